"""How well a posting fits each role profile: the `jobclass_profiles` spaCy component and the fit scores.

The component matches every profile phrase by lemma (the token NORM set up in `pipeline.py`) and sets
`doc.spans["profile_phrases"]` with the phrase as label. `fit_profiles` then adds the taxonomy skills and
degree levels, leaves out what the employer says of itself (company and benefits sections) unless a group
counts it `anywhere`, and scores.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from spacy.attrs import IS_SPACE, NORM, ORTH
from spacy.language import Language
from spacy.tokens import Doc, Span

from jobclass.profiles import Profile, Profiles, load_profiles
from jobclass.qualifications import DEGREE_PATTERN
from jobclass.sections import NeedReader

if TYPE_CHECKING:
    from jobclass.extraction import SkillsReport

PHRASE_SPAN_KEY = "profile_phrases"
MAX_GAP = 2
# Words may stand between a phrase's words, but not a line break or one of these.
BREAKS = (".", "!", "?", ";", ":", "•")


@dataclass(frozen=True)
class PhrasePattern:
    """A phrase as lemma-norm hashes; `tight[k]` says word k must follow word k-1 directly (punctuation)."""

    key: str
    norms: tuple[int, ...]
    tight: tuple[bool, ...]


def phrase_pattern(nlp: Language, phrase: str) -> PhrasePattern:
    tokens = list(nlp.make_doc(phrase))
    tight = tuple(i > 0 and (token.is_punct or tokens[i - 1].is_punct) for i, token in enumerate(tokens))
    return PhrasePattern(phrase, tuple(token.norm for token in tokens), tight)


class ProfilePhraseMatcher:
    """Finds the phrases of all role profiles in a Doc by lemma norm, words in order, at most `MAX_GAP`
    words apart and never across a line or sentence break; one span per match, labeled with the phrase.

    spaCy's Matcher can express the gaps (`{"OP": "{0,2}"}`) but was 4x slower than the rest of the
    pipeline together on real postings; this scan only visits tokens that start some phrase.
    """

    def __init__(self, nlp: Language, profiles: Profiles, name: str = "jobclass_profiles"):
        self.name = name
        self.profiles = profiles
        phrases = {phrase for profile in profiles for group in profile.groups for phrase in group.phrases}
        self.by_first_norm: dict[int, list[PhrasePattern]] = {}
        for phrase in sorted(phrases):
            pattern = phrase_pattern(nlp, phrase)
            self.by_first_norm.setdefault(pattern.norms[0], []).append(pattern)
        self.first_norms = np.array(sorted(self.by_first_norm), dtype=np.uint64)
        self.break_orths = np.array([nlp.vocab.strings.add(text) for text in BREAKS], dtype=np.uint64)

    def __call__(self, doc: Doc) -> Doc:
        columns = (
            doc.to_array([NORM, ORTH, IS_SPACE]).astype(np.uint64)
            if len(doc)
            else np.zeros((0, 3), np.uint64)
        )
        norms = columns[:, 0]
        breaks = np.isin(columns[:, 1], self.break_orths) | (columns[:, 2] == 1)
        spans = []
        for start in np.flatnonzero(np.isin(norms, self.first_norms)):
            for pattern in self.by_first_norm[int(norms[start])]:
                end = match_end(pattern, norms, breaks, int(start))
                if end is not None:
                    spans.append(Span(doc, int(start), end, label=pattern.key))
        doc.spans[PHRASE_SPAN_KEY] = spans
        return doc


def match_end(pattern: PhrasePattern, norms: np.ndarray, breaks: np.ndarray, start: int) -> int | None:
    """The end token of the pattern's match beginning at `start`, or None when it does not match there."""
    position = start
    for norm, tight in zip(pattern.norms[1:], pattern.tight[1:], strict=True):
        limit = min(position + 1 + (0 if tight else MAX_GAP), len(norms) - 1)
        for candidate in range(position + 1, limit + 1):
            if norms[candidate] == norm:
                position = candidate
                break
            if breaks[candidate] or tight:
                return None
        else:
            return None
    return position + 1


@Language.factory("jobclass_profiles", default_config={"profiles_path": None, "taxonomy_path": None})
def make_profile_phrase_matcher(
    nlp: Language, name: str, profiles_path: str | None, taxonomy_path: str | None
) -> ProfilePhraseMatcher:
    return ProfilePhraseMatcher(nlp, load_profiles(profiles_path, taxonomy_path), name=name)


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Mention:
    """A phrase, skill or degree level the posting names, where, and whether in company boilerplate."""

    kind: str
    item: str
    span: tuple[int, int]
    boilerplate: bool


def degree_mentions(reader: NeedReader) -> list[Mention]:
    """Degree levels named in the text; a bare "degree" is a bachelor's unless its sentence names a level."""
    found = [(match, match.lastgroup) for match in DEGREE_PATTERN.finditer(reader.text)]
    levelled = {reader.sentence_bounds_at(match.start()) for match, level in found if level != "generic"}
    mentions = []
    for match, level in found:
        if level == "generic":
            if reader.sentence_bounds_at(match.start()) in levelled:
                continue
            level = "bachelor"
        mentions.append(Mention("degree", level, match.span(), reader.in_boilerplate(match.start())))
    return mentions


@dataclass(frozen=True)
class Mentions:
    """The first place the posting names each phrase, skill or degree level: anywhere, and outside
    company and benefits boilerplate."""

    anywhere: dict[tuple[str, str], tuple[int, int]]
    asked: dict[tuple[str, str], tuple[int, int]]

    @classmethod
    def of(cls, doc: Doc, reader: NeedReader, skills: SkillsReport) -> Mentions:
        found = [
            Mention(
                "phrase",
                span.label_,
                (span.start_char, span.end_char),
                reader.in_boilerplate(span.start_char),
            )
            for span in doc.spans[PHRASE_SPAN_KEY]
        ]
        found += [Mention("skill", skill.id, skill.spans[0], False) for skill in skills.skills]
        found += degree_mentions(reader)
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
        found = [
            (places[(kind, item)], kind, item)
            for kind, items in (("phrase", group.phrases), ("skill", group.skills), ("degree", group.degrees))
            for item in items
            if (kind, item) in places
        ]
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
    doc: Doc, reader: NeedReader, skills: SkillsReport, profiles: Profiles
) -> tuple[ProfileFit, ...]:
    """The fit of every profile to a posting processed by the posting pipeline."""
    mentions = Mentions.of(doc, reader, skills)
    return tuple(fit_profile(profile, mentions, reader.text) for profile in profiles)
