"""What a posting asks for: skills and tools with their need, plus degree and years of experience."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc

from jobclass.pipeline import posting_pipeline
from jobclass.qualifications import Qualifications, degree_field_spans, read_qualifications
from jobclass.sections import COMPANY, NEED_STRENGTH, NeedReader
from jobclass.skills import SPAN_KEY

# A generic skill named in the same sentence as a specific one of this category adds nothing:
# "programming in Python" asks for Python, not for programming in general.
GENERIC_UNLESS_SPECIFIC = {"programming": "language"}


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


def is_redundant_generic(span, spans, reader: NeedReader) -> bool:
    category = GENERIC_UNLESS_SPECIFIC.get(span.label_)
    if category is None:
        return False
    sentence = reader.sentence_bounds_at(span.start_char)
    return any(
        other._.skill_category == category and sentence[0] <= other.start_char < sentence[1]
        for other in spans
    )


def is_degree_field(span, fields: list[tuple[int, int]]) -> bool:
    """A knowledge area named only as the field of a degree ("MS in Statistics") is not a skill asked for."""
    return span._.skill_kind == "skill" and any(start <= span.start_char < end for start, end in fields)


def extract_skills(text: str, taxonomy_path: str | None = None) -> SkillsReport:
    """Find the skills and tools a posting asks for, their need, the degree and the years of experience."""
    doc = posting_pipeline(taxonomy_path, check_profiles=False)(text)
    return skills_in(doc, NeedReader.of(text))


def skills_in(doc: Doc, reader: NeedReader) -> SkillsReport:
    """The skills report of a Doc made by the posting pipeline.

    A skill's need is its strongest mention (required > preferred > mentioned). Skills named only in
    company or benefits sections ("we use Spark across the company") are not asked of the candidate:
    they are left out of `skills` and listed by name in `company_only`.
    """
    text = reader.text
    found: dict[str, dict] = {}
    company_only: dict[str, str] = {}
    spans = list(doc.spans[SPAN_KEY])
    fields = degree_field_spans(text, reader)
    for span in spans:
        if is_redundant_generic(span, spans, reader) or is_degree_field(span, fields):
            continue
        need = reader.need_at(span.start_char)
        if need == COMPANY:
            company_only.setdefault(span.label_, span._.skill_name)
            continue
        item = found.setdefault(span.label_, {"span": span, "need": need, "spans": []})
        item["spans"].append((span.start_char, span.end_char))
        if NEED_STRENGTH[need] > NEED_STRENGTH[item["need"]]:
            item["need"] = need
    skills = tuple(
        FoundSkill(
            id=key,
            name=item["span"]._.skill_name,
            category=item["span"]._.skill_category,
            kind=item["span"]._.skill_kind,
            need=item["need"],
            spans=tuple(item["spans"]),
        )
        for key, item in found.items()
    )
    leftovers = tuple(name for key, name in company_only.items() if key not in found)
    return SkillsReport(skills, read_qualifications(text, reader), leftovers)
