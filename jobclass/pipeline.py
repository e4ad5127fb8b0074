"""The spaCy face of the reading core: the `jobclass_skills` and `jobclass_profiles` components, a
tokenizer built from the core's tokens, and `posting_pipeline()` with all three.

The components are thin adapters: they read `doc.text` with the same reader the CLI uses
(`jobclass.reader`) and turn its character spans into spaCy spans, so a spaCy pipeline gets exactly
the spans `jobclass` reports. Each component reads the text itself (the skills one without the
profiles, so that it works with any taxonomy), and neither keeps what it read. With the jobclass
tokenizer every span falls on token boundaries; with another tokenizer a span that cuts a token
("pandas" in "pandas.4+") is widened to whole tokens.

Usage in any pipeline (nothing is downloaded; the factories are registered as spaCy entry points):
    nlp = spacy.blank("en")
    nlp.add_pipe("jobclass_skills")                      # bundled taxonomy
    nlp.add_pipe("jobclass_skills", config={"taxonomy_path": "my_taxonomy.jsonl"})
    nlp.add_pipe("jobclass_profiles")
`doc.spans["skills"]` holds the skills and tools asked of the candidate (label: the taxonomy id;
`span._.skill_name`, `skill_category`, `skill_kind`, `skill_need`), `doc._.skills_report` the whole
report (degree, years); `doc.spans["profile_phrases"]` the profile phrases found (label: the phrase),
`doc._.profile_fits` every role's fit.
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from jobclass.reader import posting_reader
from jobclass.reading.tokens import TOKEN

SPAN_KEY = "skills"
PHRASE_SPAN_KEY = "profile_phrases"


def register_extensions() -> None:
    for name in ("skill_name", "skill_category", "skill_kind", "skill_need"):
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)
    for name in ("skills_report", "profile_fits"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


def span_over(doc: Doc, start: int, end: int, label: str) -> Span:
    """The span of doc at these character offsets, widened to whole tokens when it cuts one."""
    return doc.char_span(start, end, label=label, alignment_mode="expand")


class PostingTokenizer:
    """A spaCy tokenizer that cuts text exactly as the reading core does (words, single marks, and the
    whitespace between them as spaCy expects it)."""

    def __init__(self, vocab: Vocab):
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        position = 0
        for match in TOKEN.finditer(text):
            add_whitespace(text[position : match.start()], words, spaces)
            words.append(match.group())
            spaces.append(False)
            position = match.end()
        add_whitespace(text[position:], words, spaces)
        return Doc(self.vocab, words=words, spaces=spaces)


def add_whitespace(gap: str, words: list[str], spaces: list[bool]) -> None:
    """Record the whitespace between two tokens: one space as the previous token's trailing space,
    anything else as a whitespace token."""
    if not gap:
        return
    if gap[0] == " " and spaces and not spaces[-1]:
        spaces[-1] = True
        gap = gap[1:]
    if gap:
        words.append(gap)
        spaces.append(False)


class SkillsComponent:
    """Sets `doc.spans["skills"]` and `doc._.skills_report` from the reading core."""

    def __init__(self, taxonomy_path: str | None = None, name: str = "jobclass_skills"):
        register_extensions()
        self.name = name
        self.reader = posting_reader(taxonomy_path, with_profiles=False)

    def __call__(self, doc: Doc) -> Doc:
        report = self.reader.read(doc.text).skills
        spans = []
        for skill in report.skills:
            for start, end in skill.spans:
                span = span_over(doc, start, end, skill.id)
                span._.skill_name, span._.skill_category = skill.name, skill.category
                span._.skill_kind, span._.skill_need = skill.kind, skill.need
                spans.append(span)
        doc.spans[SPAN_KEY] = sorted(spans, key=lambda span: (span.start_char, span.end_char))
        doc._.skills_report = report
        return doc


class ProfilesComponent:
    """Sets `doc.spans["profile_phrases"]` and `doc._.profile_fits` from the reading core."""

    def __init__(
        self,
        profiles_path: str | None = None,
        taxonomy_path: str | None = None,
        name: str = "jobclass_profiles",
    ):
        register_extensions()
        self.name = name
        self.reader = posting_reader(taxonomy_path, profiles_path)  # a bad profiles file fails here

    def __call__(self, doc: Doc) -> Doc:
        reading = self.reader.read(doc.text)
        doc.spans[PHRASE_SPAN_KEY] = [
            span_over(doc, start, end, phrase) for phrase, start, end in reading.matches.phrases
        ]
        doc._.profile_fits = reading.fits
        return doc


@Language.factory("jobclass_skills", default_config={"taxonomy_path": None})
def make_skills_component(nlp: Language, name: str, taxonomy_path: str | None) -> SkillsComponent:
    return SkillsComponent(taxonomy_path, name)


@Language.factory("jobclass_profiles", default_config={"profiles_path": None, "taxonomy_path": None})
def make_profiles_component(
    nlp: Language, name: str, profiles_path: str | None, taxonomy_path: str | None
) -> ProfilesComponent:
    return ProfilesComponent(profiles_path, taxonomy_path, name)


@lru_cache(maxsize=4)
def posting_pipeline(taxonomy_path: str | None = None, profiles_path: str | None = None) -> Language:
    """A blank English pipeline with the jobclass tokenizer and both components."""
    nlp = spacy.blank("en")
    nlp.tokenizer = PostingTokenizer(nlp.vocab)
    nlp.add_pipe("jobclass_skills", config={"taxonomy_path": taxonomy_path})
    nlp.add_pipe("jobclass_profiles", config={"profiles_path": profiles_path, "taxonomy_path": taxonomy_path})
    return nlp
