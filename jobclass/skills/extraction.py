"""What a posting asks for: skills and tools with their need, plus degree and years of experience."""

from __future__ import annotations

from dataclasses import dataclass

from jobclass.reading.qualifications import Qualifications
from jobclass.reading.sections import COMPANY, NEED_STRENGTH, NeedReader
from jobclass.skills.taxonomy import Taxonomy

# A generic skill named in the same sentence as a specific one of this category adds nothing:
# "programming in Python" asks for Python, not for programming in general (nor "a scripting language
# such as Python" for scripting).
GENERIC_UNLESS_SPECIFIC = {"programming": "language", "scripting": "language"}


@dataclass(frozen=True)
class FoundSkill:
    """One taxonomy entry the posting names, how strongly it asks for it, and where (character spans)."""

    id: str
    name: str
    category: str
    kind: str
    need: str
    spans: tuple[tuple[int, int], ...]

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "category": self.category,
            "kind": self.kind,
            "need": self.need,
            "spans": [list(span) for span in self.spans],
        }


@dataclass(frozen=True)
class SkillsReport:
    """Skills and tools asked of the candidate (company boilerplate left out), degree and years."""

    skills: tuple[FoundSkill, ...]
    qualifications: Qualifications
    company_only: tuple[str, ...] = ()

    def by_need(self, need: str) -> list[FoundSkill]:
        return [skill for skill in self.skills if skill.need == need]

    def to_dict(self) -> dict:
        return {
            "skills": [skill.to_dict() for skill in self.skills],
            **self.qualifications.to_dict(),
            "company_only": list(self.company_only),
        }


def is_redundant_generic(
    key: str, start: int, spans: tuple[tuple[str, int, int], ...], reader: NeedReader, taxonomy: Taxonomy
) -> bool:
    category = GENERIC_UNLESS_SPECIFIC.get(key)
    if category is None:
        return False
    sentence = reader.sentence_bounds_at(start)
    return any(
        taxonomy.by_id(other).category == category and sentence[0] <= other_start < sentence[1]
        for other, other_start, _ in spans
    )


def is_degree_field(kind: str, start: int, fields: list[tuple[int, int]]) -> bool:
    """A knowledge area named only as the field of a degree ("MS in Statistics") is not a skill asked for."""
    return kind == "skill" and any(field_start <= start < field_end for field_start, field_end in fields)


def skills_in(
    spans: tuple[tuple[str, int, int], ...],
    reader: NeedReader,
    taxonomy: Taxonomy,
    degree_fields: list[tuple[int, int]],
    qualifications: Qualifications,
) -> SkillsReport:
    """The skills report of a posting from its skill spans (taxonomy id, first char, end char).

    A skill's need is its strongest mention (required > preferred > mentioned). Skills named only in
    company or benefits sections ("we use Spark across the company") are not asked of the candidate:
    they are left out of `skills` and listed by name in `company_only`.
    """
    found: dict[str, dict] = {}
    company_only: dict[str, str] = {}
    for key, start, end in spans:
        entry = taxonomy.by_id(key)
        if is_redundant_generic(key, start, spans, reader, taxonomy) or is_degree_field(
            entry.kind, start, degree_fields
        ):
            continue
        need = reader.need_at(start)
        if need == COMPANY:
            company_only.setdefault(key, entry.name)
            continue
        item = found.setdefault(key, {"need": need, "spans": []})
        item["spans"].append((start, end))
        if NEED_STRENGTH[need] > NEED_STRENGTH[item["need"]]:
            item["need"] = need
    skills = tuple(
        FoundSkill(
            id=key,
            name=(entry := taxonomy.by_id(key)).name,
            category=entry.category,
            kind=entry.kind,
            need=item["need"],
            spans=tuple(item["spans"]),
        )
        for key, item in found.items()
    )
    leftovers = tuple(name for key, name in company_only.items() if key not in found)
    return SkillsReport(skills, qualifications, leftovers)
