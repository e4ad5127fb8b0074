"""How well a posting fits each role profile: evidence found, group scores, what is missing.

The profile phrases are found by the reading core's matching pass (by lemma, see
`jobclass.reading.matching`); `fit_profiles` adds the taxonomy skills and degree levels, leaves out
what the employer says of itself (company and benefits sections) unless a group counts it `anywhere`,
and scores.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from jobclass.profiles.rules import Profile, Profiles
from jobclass.reading.qualifications import DegreeMention
from jobclass.reading.sections import NeedReader
from jobclass.skills.extraction import SkillsReport


@dataclass(frozen=True, slots=True)
class Evidence:
    """One item of a profile found in the posting: the group, what matched, the words and where."""

    group: str
    kind: str  # "phrase", "skill" or "degree"
    item: str  # the profile's phrase, the taxonomy id or the degree level
    text: str
    span: tuple[int, int]

    def to_dict(self) -> dict:
        return {"group": self.group, "kind": self.kind, "item": self.item, "text": self.text,
                "span": list(self.span)}  # fmt: skip


@dataclass(frozen=True)
class MissingGroup:
    """An expected kind of evidence the posting has none of."""

    group: str
    expect: str

    def to_dict(self) -> dict:
        return {"group": self.group, "expect": self.expect}


@dataclass(frozen=True)
class ProfileFit:
    """A role's fit score in [0, 1], the score of each group, the evidence and the missing expectations."""

    role: str
    score: float
    group_scores: dict[str, float]
    evidence: tuple[Evidence, ...]
    missing: tuple[MissingGroup, ...]

    def to_dict(self) -> dict:
        return {
            "role": self.role,
            "score": round(self.score, 4),
            "groups": {name: round(value, 4) for name, value in self.group_scores.items()},
            "evidence": [item.to_dict() for item in self.evidence],
            "missing": [item.to_dict() for item in self.missing],
        }


class Mention(NamedTuple):  # a tuple: a posting has dozens, made for every posting of a batch
    """A phrase, skill or degree level the posting names, where, and whether in company boilerplate."""

    kind: str
    item: str
    span: tuple[int, int]
    boilerplate: bool


def degree_level_mentions(reader: NeedReader, degrees: tuple[DegreeMention, ...]) -> list[Mention]:
    """Degree levels named in the text; a bare "degree" is a bachelor's unless its sentence names a level."""
    levelled = {reader.sentence_bounds_at(degree.start) for degree in degrees if degree.level != "generic"}
    mentions = []
    for degree in degrees:
        level = degree.level
        if level == "generic":
            if reader.sentence_bounds_at(degree.start) in levelled:
                continue
            level = "bachelor"
        mentions.append(
            Mention("degree", level, (degree.start, degree.end), reader.in_boilerplate(degree.start))
        )
    return mentions


@dataclass(frozen=True)
class Mentions:
    """The first place the posting names each phrase, skill or degree level: anywhere, and outside
    company and benefits boilerplate."""

    anywhere: dict[tuple[str, str], tuple[int, int]]
    asked: dict[tuple[str, str], tuple[int, int]]

    @classmethod
    def of(
        cls,
        phrases: tuple[tuple[str, int, int], ...],
        reader: NeedReader,
        skills: SkillsReport,
        degrees: tuple[DegreeMention, ...],
    ) -> Mentions:
        found = [
            Mention("phrase", phrase, (start, end), reader.in_boilerplate(start))
            for phrase, start, end in phrases
        ]
        found += [Mention("skill", skill.id, skill.spans[0], False) for skill in skills.skills]
        found += degree_level_mentions(reader, degrees)
        anywhere: dict[tuple[str, str], tuple[int, int]] = {}
        asked: dict[tuple[str, str], tuple[int, int]] = {}
        for mention in sorted(found, key=lambda mention: mention.span):
            anywhere.setdefault((mention.kind, mention.item), mention.span)
            if not mention.boilerplate:
                asked.setdefault((mention.kind, mention.item), mention.span)
        return cls(anywhere, asked)


def fit_profile(profile: Profile, mentions: Mentions, text: str) -> ProfileFit:
    """Score one profile: each group earns weight * min(1, distinct items / enough); normalised to [0, 1]."""
    evidence, group_scores, missing = [], {}, []
    for group in profile.groups:
        places = mentions.anywhere if group.anywhere else mentions.asked
        found = [(places[key], *key) for key in group.items if key in places]
        for (start, end), kind, item in found:
            evidence.append(Evidence(group.name, kind, item, text[start:end], (start, end)))
        group_scores[group.name] = min(1.0, len(found) / group.enough)
        if group.expected and not found:
            missing.append(MissingGroup(group.name, group.expect))
    total = sum(group.weight for group in profile.groups)
    score = sum(group.weight * group_scores[group.name] for group in profile.groups) / total
    evidence.sort(key=lambda item: item.span)
    return ProfileFit(profile.role, score, group_scores, tuple(evidence), tuple(missing))


def fit_profiles(
    phrases: tuple[tuple[str, int, int], ...],
    reader: NeedReader,
    skills: SkillsReport,
    degrees: tuple[DegreeMention, ...],
    profiles: Profiles,
) -> tuple[ProfileFit, ...]:
    """The fit of every profile to a posting, from its profile phrase spans (phrase, first char, end
    char), its skills report and the degrees it names."""
    mentions = Mentions.of(phrases, reader, skills, degrees)
    return tuple(fit_profile(profile, mentions, reader.text) for profile in profiles)
