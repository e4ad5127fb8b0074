"""Degree and years of experience a posting asks for.

Rules (documented in the README):
- Each required sentence states what every candidate must meet; alternatives inside one sentence
  ("BS, MS or PhD", "PhD, or MS with 2 years") take the lowest. Across required sentences the highest
  degree counts (a bachelor's line and a separate PhD line require a PhD).
- A degree that only shortens the years ("6+ years, or 3+ years with a PhD") is not a degree requirement.
- The preferred degree is the highest degree named in a preferred sentence, if above the minimum.
- Years: each sentence that ties a number of years to experience gives its lowest alternative (ranges
  give their lower end); a candidate must meet every required sentence, so the minimum is the highest
  of them. A line starting with "OR" and naming a degree is another rung of the last degree ladder
  (its years are an alternative of the ladder's). A sentence where a degree alone is an alternative
  ("PhD, or MS with 2+ years") gives 0, used only when no other sentence names years. Preferred-only
  years: None.
- A posting scraped without headings lists the minimum qualifications before the preferred ones: the
  blocks (paragraphs) after the one naming the first required degree are not read as requirements.
- "or" separates alternatives only before a degree or a number; "Electrical or Computer Engineering"
  is one field list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from jobclass.reading.sections import COMPANY, PREFERRED, REQUIRED, NeedReader
from jobclass.reading.tokens import Tokens, occurrences, same_length_lower

DEGREE_LEVELS = ("none_stated", "bachelor", "master", "phd")
_DEGREE_PATTERNS = (
    # "postdoctoral" names a position, not a degree
    ("phd", r"ph\.?\s?d\b\.?|(?<!post)(?<!post-)(?:doctorate|doctoral)|d\.?phil\b"),
    (
        "master",
        r"master'?s?\b|masters\b|m\.\s?s\.|\bm\.?sc\b\.?|\bms\b(?!\s+(?:excel|office|word|sql|azure|teams|"
        r"access|project|power))|\bm\.?tech\b|\bm\.?eng\b|\bmba\b|\bma\b(?=\s*(?:/|or|,|in|degree))|"
        r"post-?graduate|graduate degree|advanced degree",
    ),
    (
        "bachelor",
        r"bachelor'?s?\b|\bb\.\s?s\.|\bb\.?sc\b\.?|\bbs\b|\bb\.?tech\b|\bb\.?e\.|\bb\.?eng\b|\bba\b(?=\s*(?:/|or|,|in|degree))|"
        r"undergraduate degree|university degree|college degree|post-?secondary degree|4-year degree|"
        r"four-year degree",
    ),
    # A bare "degree" ("a degree in statistics") reads as a bachelor's unless a level is named beside it.
    ("generic", r"\bdegree\b"),
)
# Matched in lower-cased text. The lookahead lists the letters the alternatives start with: it rejects
# most positions at once, which makes the search about 4x faster than trying every alternative everywhere.
DEGREE_PATTERN = re.compile(
    "(?=[abcdfgmpu4])(?:" + "|".join(f"(?P<{level}>{pattern})" for level, pattern in _DEGREE_PATTERNS) + ")"
)
# The tokens a degree mention can start with: the degree pattern is only tried there.
DEGREE_STARTS = frozenset(
    "phd ph doctorate doctoral d dphil master masters m msc ms mtech meng mba ma post postgraduate graduate "
    "advanced bachelor bachelors b bsc bs btech be beng ba undergraduate university college 4 four "
    "degree".split()
)
# Degree words glued to the word before them in scraped text ("requirementsMaster's", "postdoctoral").
GLUED_DEGREE_WORDS = ("master", "bachelor", "doctora", "ph.d", "phd", "m.s.", "advanced degree")
YEARS_WORDS = ("year", "yr")  # a sentence without one of these names no years (found with str.find)
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
}  # fmt: skip
_NUMBER = r"((?<!\d)(?<!\d\.)\d{1,2}|\b(?:" + "|".join(_NUMBER_WORDS) + r"))"
YEARS_PATTERN = re.compile(
    rf"{_NUMBER}(?:\s*(?:\+|plus))?(?:\s*(?:-|–|to)\s*{_NUMBER})?\s*\+?\s*(?:or more\s+)?"
    r"(?:years?|yrs?)\b",
    re.IGNORECASE,
)
EXPERIENCE_WORDS = re.compile(
    r"experience|exp\b|working|industry|professional|hands-on|track record|in (?:a|an) |building|developing",
    re.IGNORECASE,
)
DEGREE_FIELD = re.compile(
    r"(?:degrees?\s+)?in\s+(?P<field>[^.;()\n]+?)(?=\s*(?:,\s*or\b|,?\s*or (?:a |an |another )?"
    r"(?:related|similar|equivalent|relevant|other|comparable)|,?\s*\b(?:is|are|with|plus|from|preferred|required)\b|\band\s+\d|[.;(]|$))",
    re.IGNORECASE,
)


QUALIFYING_DEGREE = re.compile(
    r"\bdegree (in|or)\b|\b(a|relevant|related|technical|quantitative|university|college) degree\b",
    re.IGNORECASE,
)
SKILL_YEARS = re.compile(r"['’]?\s+(of|with|in|using|\w+ing)\b", re.IGNORECASE)
# "or" starts another alternative when a degree or a number follows ("PhD, or MS with 2 years", "3 or 5
# years"); an "or" inside a field list ("Electrical or Computer Engineering") does not.
ALTERNATIVES = re.compile(
    r"\bor\b(?=[\s,]*(?:an?\s+|the\s+)?(?:\d|\b(?:"
    + "|".join(_NUMBER_WORDS)
    + r")\b|"
    + "|".join(pattern for level, pattern in _DEGREE_PATTERNS if level != "generic")
    + "))",
    re.IGNORECASE,
)
# "or a related field", "or equivalent experience" widen a requirement; they are not alternatives.
WIDENING_OR = re.compile(
    r",?\s*\bor\s+(?:an?\s+|another\s+)?(?:closely\s+)?(?:related|equivalent|similar|relevant|comparable|other)\b",
    re.IGNORECASE,
)
LEADING_OR = re.compile(r"^\W*or\b", re.IGNORECASE)
COMPANY_VOICE = re.compile(r"\b(we|our|us)\b", re.IGNORECASE)  # "we bring over 30 years of experience"
CANDIDATE = re.compile(
    r"\b(you|your|candidates?|applicants?|someone|somebody|person|looking for|seeking)\b", re.IGNORECASE
)
PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n")
UPPER_BOUND = re.compile(r"(<|less than|under|up to|fewer than)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Qualifications:
    """The minimum degree (and field, when stated), any higher preferred degree, the minimum years."""

    degree_min: str = "none_stated"
    degree_field: str | None = None
    degree_preferred: str | None = None
    years_min: int | None = None

    def to_dict(self) -> dict:
        return {
            "degree_min": self.degree_min,
            "degree_field": self.degree_field,
            "degree_preferred": self.degree_preferred,
            "years_min": self.years_min,
        }


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBER_WORDS[word.lower()]


def degrees_in(sentence: str) -> list[str]:
    """Degree levels named in a sentence; a bare "degree" counts as bachelor when no level is named."""
    levels = [match.lastgroup for match in DEGREE_PATTERN.finditer(same_length_lower(sentence))]
    named = [level for level in levels if level != "generic"]
    if named:
        return named
    return ["bachelor"] if levels and QUALIFYING_DEGREE.search(sentence) else []


def years_in(sentence: str) -> list[int]:
    """The lowest number of each years-of-experience phrase asked of the candidate in the sentence."""
    if COMPANY_VOICE.search(sentence) and not CANDIDATE.search(sentence):
        return []
    about_experience = EXPERIENCE_WORDS.search(sentence)
    return [
        _number(match.group(1))
        for match in YEARS_PATTERN.finditer(sentence)
        if not UPPER_BOUND.search(sentence[max(0, match.start() - 12) : match.start()])
        and (about_experience or SKILL_YEARS.match(sentence[match.end() :]))
    ]


def alternatives_of(sentence: str) -> list[str]:
    """The parts of a sentence joined by "or", ignoring widening phrases such as "or a related field"."""
    return ALTERNATIVES.split(WIDENING_OR.sub(" ", sentence))


def degree_only_shortens_years(sentence: str) -> bool:
    """True for "6+ years, or 3+ years with a PhD": the first alternative asks for years and no degree."""
    first = alternatives_of(sentence)[0]
    return bool(YEARS_PATTERN.search(first)) and not degrees_in(first)


def degree_alone_suffices(sentence: str) -> bool:
    """True for "PhD, or MS with 2+ years": one alternative is a degree with no years attached."""
    parts = alternatives_of(sentence)
    degree_only = [i for i, part in enumerate(parts) if degrees_in(part) and not YEARS_PATTERN.search(part)]
    with_years = [i for i, part in enumerate(parts) if YEARS_PATTERN.search(part)]
    return bool(degree_only) and bool(with_years)


def field_after(sentence: str, degree: re.Match) -> tuple[int, int] | None:
    """Offsets in `sentence` of the field named after a degree mention ("BS in [Computer Science]")."""
    rest = sentence[degree.end() :]
    skipped = len(rest) - len(rest.lstrip(" ,'s"))
    field = DEGREE_FIELD.match(rest[skipped:])
    if not field:
        return None
    offset = degree.end() + skipped
    return offset + field.start("field"), offset + field.end("field")


def degree_field(sentence: str) -> str | None:
    """The field after the first degree mention: "BS in Computer Science or related" -> "Computer Science"."""
    bounds = field_after(sentence, DEGREE_PATTERN.search(same_length_lower(sentence)))
    if not bounds:
        return None
    field = sentence[bounds[0] : bounds[1]].strip(" ,")
    return field if 2 <= len(field) <= 80 else None


class DegreeMention(NamedTuple):
    """A degree named in the text: its level (`generic` for a bare "degree") and character span."""

    level: str
    start: int
    end: int


def degree_mentions_in(reader: NeedReader, tokens: Tokens) -> tuple[DegreeMention, ...]:
    """Every degree the text names, the pattern tried only at the tokens a degree can start with and
    where a degree word is glued to another."""
    places = tokens.places(DEGREE_STARTS)
    glued = occurrences(reader.lower, GLUED_DEGREE_WORDS)
    return tuple(
        DegreeMention(match.lastgroup, match.start(), match.end())
        for match in tokens.anchored_matches(DEGREE_PATTERN, places, glued)
    )


def qualification_sentences(reader: NeedReader, degrees: tuple[DegreeMention, ...]) -> list[tuple[int, int]]:
    """The sentences that name a degree or years, in text order: the only ones the rules read."""
    places = [degree.start for degree in degrees] + occurrences(reader.lower, YEARS_WORDS)
    found = {reader.sentence_bounds_at(place) for place in places}
    return sorted(bounds for bounds in found if bounds[0] < bounds[1])


def degree_field_spans(reader: NeedReader, degrees: tuple[DegreeMention, ...]) -> list[tuple[int, int]]:
    """Character ranges naming the field of a degree ("BS in [Statistics, Economics or Physics]")."""
    text, spans = reader.text, []
    for start, end in sorted({reader.sentence_bounds_at(degree.start) for degree in degrees}):
        sentence = text[start:end]
        if not degrees_in(sentence):
            continue
        for degree in DEGREE_PATTERN.finditer(reader.lower[start:end]):
            bounds = field_after(sentence, degree)
            if bounds:
                spans.append((start + bounds[0], start + bounds[1]))
    return spans


def read_qualifications(reader: NeedReader, degrees: tuple[DegreeMention, ...]) -> Qualifications:
    """Degree and years asked for, following the rules in this module's docstring."""
    text = reader.text
    required_degrees: list[list[str]] = []  # one list of alternatives per requirement
    preferred_degrees: list[str] = []
    required_years: list[int] = []  # one number per requirement: the fewest years that meet it
    ladder: int | None = None  # index in required_years of the last degree requirement naming years
    field, degree_alone = None, False
    headless = len(reader.sections) == 1 and reader.sections[0].heading is None
    block_end = len(text)
    for start, end in qualification_sentences(reader, degrees):
        if start >= block_end:
            break  # a later unheaded block: the preferred list, which comes after the minimum one
        sentence = text[start:end]
        need = reader.need_at(start)
        if need == COMPANY:
            continue
        for aside_start, aside_end in reader.asides_in(start, end):  # "BS (MS preferred)"
            preferred_degrees.extend(degrees_in(text[aside_start:aside_end]))
            blank = " " * (aside_end - aside_start)
            sentence = sentence[: aside_start - start] + blank + sentence[aside_end - start :]
        levels = degrees_in(sentence)
        years = years_in(sentence)
        if need == PREFERRED:
            preferred_degrees.extend(levels)
            continue
        another_rung = bool(levels) and bool(LEADING_OR.match(sentence))
        if levels and not degree_only_shortens_years(sentence):
            if another_rung and required_degrees:
                required_degrees[-1].extend(levels)  # "• OR Master's degree and 3+ years": another rung
            else:
                required_degrees.append(levels)
            field = field or degree_field(sentence)
            # a requirement's degree ("BS in Statistics"), not one in passing ("supervises PhD students")
            asked = need == REQUIRED or degree_field(sentence) is not None
            if headless and block_end == len(text) and asked:
                paragraph_break = PARAGRAPH_BREAK.search(text, end)
                block_end = paragraph_break.start() if paragraph_break else len(text)
        if another_rung and ladder is not None:
            # the rung is an alternative of the ladder's years; a rung without years needs none
            required_years[ladder] = min(required_years[ladder], min(years) if years else 0)
        elif years and degree_alone_suffices(sentence):
            degree_alone = True
        elif years:
            # "3 or 5 years" are alternatives (the lowest suffices); "8 years overall, 5 in X" all apply.
            required_years.append(min(years) if len(alternatives_of(sentence)) > 1 else max(years))
            if levels:
                ladder = len(required_years) - 1
    lowest = [min(alternatives, key=DEGREE_LEVELS.index) for alternatives in required_degrees]
    degree_min = max(lowest, key=DEGREE_LEVELS.index, default="none_stated")
    higher = [d for d in preferred_degrees if DEGREE_LEVELS.index(d) > DEGREE_LEVELS.index(degree_min)]
    return Qualifications(
        degree_min=degree_min,
        degree_field=field if degree_min != "none_stated" else None,
        degree_preferred=max(higher, key=DEGREE_LEVELS.index) if higher else None,
        years_min=max(required_years) if required_years else (0 if degree_alone else None),
    )
