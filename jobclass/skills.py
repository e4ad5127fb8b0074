"""The `jobclass_skills` spaCy component: finds taxonomy skills and tools and sets `doc.spans["skills"]`.

Usage in any pipeline:
    nlp = spacy.blank("en")
    nlp.add_pipe("jobclass_skills")                      # bundled taxonomy
    nlp.add_pipe("jobclass_skills", config={"taxonomy_path": "my_taxonomy.jsonl"})
Each span's label is the entry id; `span._.skill_name`, `span._.skill_category` and `span._.skill_kind`
carry its display name, category and kind (`tool` or `skill`).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from jobclass.taxonomy import Taxonomy, load_taxonomy

SPAN_KEY = "skills"
# Words near an ambiguous name ("R", "Go", "Spark") that show it is meant as a technology.
TECH_CUES = frozenset(
    "programming program language languages coding code scripting scripts proficiency proficient fluent "
    "fluency experience experienced knowledge familiarity familiar expertise skills skill stack tools "
    "tooling using libraries library framework frameworks packages package environment environments "
    "such e.g. e.g including like developer developers engineer notebooks cluster clusters jobs "
    "dataframes streaming applications services sdk api apis".split()
)
# Tokens that may stand between two items of one list: "Python, R and SQL", "C/C++", "(R or Julia)".
LIST_GLUE = frozenset(
    {",", "/", "and", "or", "&", "(", ")", ";", "|", "+", "either", "nor", "-", "•", "*", "·"}
)
SENTENCE_ENDS = frozenset({".", "!", "?", ";"})
# An ambiguous name followed or preceded by these is an ordinary word: "R&D", "Go-to-market", "C-suite".
BLOCKED_NEXT = frozenset({"-", "'s", "to", "at", "in", "on", "ahead", "beyond", "above", "the"})
BLOCKED_PREVIOUS = frozenset(
    "series vitamin grade tier level class type section part phase option plan dr. mr. ms. mrs. "
    "letter a the we you they".split()
)
CUE_WINDOW_BEFORE = 5
CUE_WINDOW_AFTER = 2


def register_span_attributes() -> None:
    for name in ("skill_name", "skill_category", "skill_kind"):
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)


class SkillMatcher:
    """Phrase matches for aliases, context-checked token matches for ambiguous names, longest match wins."""

    def __init__(self, nlp: Language, taxonomy: Taxonomy, name: str = "jobclass_skills"):
        register_span_attributes()
        self.name = name
        self.taxonomy = taxonomy
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.ambiguous = Matcher(nlp.vocab)
        for entry in taxonomy.entries:
            forms = {variant for alias in entry.match_aliases() for variant in spelling_variants(alias)}
            self.phrases.add(entry.id, [nlp.make_doc(form) for form in sorted(forms)])
            if entry.context_aliases:
                patterns = [
                    [{"ORTH": token.text} for token in nlp.make_doc(alias)] for alias in entry.context_aliases
                ]
                self.ambiguous.add(entry.id, patterns)

    def __call__(self, doc: Doc) -> Doc:
        sure = [Span(doc, start, end, label=key) for key, start, end in self.phrases(doc)]
        ambiguous = self.ambiguous(doc) if len(self.ambiguous) else []
        candidates = [
            Span(doc, start, end, label=key)
            for key, start, end in ambiguous
            if not is_blocked(doc, start, end)
        ]
        accepted = accept_in_context(doc, sure, candidates)
        spans = filter_spans(sure + accepted)
        for span in spans:
            entry = self.taxonomy.by_id(span.label_)
            span._.skill_name = entry.name
            span._.skill_category = entry.category
            span._.skill_kind = entry.kind
        doc.spans[SPAN_KEY] = sorted(spans, key=lambda span: span.start)
        return doc


def spelling_variants(alias: str) -> set[str]:
    """An alias and its hyphen/space twins, so "scikit-learn" also finds "scikit learn" and vice versa."""
    variants = {alias}
    if "-" in alias:
        variants |= {alias.replace("-", " "), alias.replace("-", "")}
    return {variant for variant in variants if variant.strip()}


def is_blocked(doc: Doc, start: int, end: int) -> bool:
    following = doc[end].lower_ if end < len(doc) else ""
    previous = doc[start - 1].lower_ if start > 0 else ""
    ampersand_initials = following == "&" and end + 1 < len(doc) and len(doc[end + 1]) == 1  # "R & D"
    return following in BLOCKED_NEXT or previous in BLOCKED_PREVIOUS or ampersand_initials


def accept_in_context(doc: Doc, sure: list[Span], candidates: list[Span]) -> list[Span]:
    """Keep ambiguous matches next to a technology cue word or in a list with another skill."""
    known_tokens = {i for span in sure for i in range(span.start, span.end)}
    accepted: list[Span] = []
    pending = list(candidates)
    changed = True
    while changed:  # a list of ambiguous names ("R, Go, C") is accepted one neighbour at a time
        changed = False
        for span in list(pending):
            if has_cue(doc, span) or in_list_with(doc, span, known_tokens):
                accepted.append(span)
                known_tokens.update(range(span.start, span.end))
                pending.remove(span)
                changed = True
    return accepted


def has_cue(doc: Doc, span: Span) -> bool:
    """A technology cue word shortly before or after the span, within the same sentence or line."""
    before = range(span.start - 1, max(span.start - CUE_WINDOW_BEFORE, 0) - 1, -1)
    after = range(span.end, min(span.end + CUE_WINDOW_AFTER, len(doc)))
    for indices in (before, after):
        for i in indices:
            token = doc[i]
            if token.is_space or token.text in SENTENCE_ENDS:
                break
            if token.lower_ in TECH_CUES:
                return True
    return False


def in_list_with(doc: Doc, span: Span, known_tokens: set[int]) -> bool:
    """True when only list glue (commas, slashes, and/or) separates the span from a known skill."""
    for step, edge in ((-1, span.start - 1), (1, span.end)):
        i, glued = edge, False
        while 0 <= i < len(doc) and (doc[i].lower_ in LIST_GLUE or doc[i].is_space):
            i += step
            glued = True
        if glued and 0 <= i < len(doc) and i in known_tokens:
            return True
    return False


@Language.factory("jobclass_skills", default_config={"taxonomy_path": None})
def make_skill_matcher(nlp: Language, name: str, taxonomy_path: str | None) -> SkillMatcher:
    return SkillMatcher(nlp, load_taxonomy(taxonomy_path), name=name)
