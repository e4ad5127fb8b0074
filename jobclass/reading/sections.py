"""Where a posting asks for something: sections found by their headings, sentences, and need cues.

A posting's text is cut into sections at heading lines ("Requirements", "Nice to have:", "About us",
"## Benefits") and into sentences (at . ! ? ; and line breaks). A skill's need comes from its sentence's
wording first ("... is a plus" -> preferred, "must have" -> required), then from its section.
"""

from __future__ import annotations

import bisect
import re
import string
from dataclasses import dataclass, field

from jobclass.reading.tokens import Tokens, tokenize

REQUIRED, PREFERRED, MENTIONED, COMPANY = "required", "preferred", "mentioned", "company"
NEED_STRENGTH = {REQUIRED: 3, PREFERRED: 2, MENTIONED: 1}

# Section kinds, tried in order: the first whose pattern matches a heading names the section.
HEADING_KINDS: tuple[tuple[str, re.Pattern], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        (
            "preferred",
            r"prefer|nice[\s-]to[\s-]have|good[\s-]to[\s-]have|bonus|plus(es)?\b|desir|extra credit|"
            r"great if|would be great|even better|stand out|set you apart|advantage|not required|valued|"
            r"additional (skills|experience|qualifications)",
        ),
        (
            "benefits",
            r"benefit|perks|we offer|offer you|compensation|salary|pay\b|what you.?ll get|rewards|"
            r"equal opportunit|\beeo\b|divers|inclusion|accommodation|how to apply|application process",
        ),
        (
            "requirements",
            r"require|qualif|must[\s-]have|what you.?ll need|what you need|you.?ll need|what you bring|"
            r"you bring|essential|about you|who you are|you have|looking for|skills|experience|"
            r"ideal candidate|your profile|good fit|competenc|criteria|expertise|background|education|"
            r"what we.?re looking|what we need|to succeed|you.?ll have|knowledge",
        ),
        (
            "responsibilities",
            r"responsib|what you.?ll do|what you will do|the role|your role|role overview|the job|"
            r"day[\s-]to[\s-]day|duties|you will\b|your impact|in this role|what you.?ll work on|"
            r"the opportunity|the position|mission of the role|key tasks|projects|the work|the team",
        ),
        ("other", r"job details|job description|overview|summary|details|location|the basics"),
        (
            "company",
            r"about (us|the company|the team|[A-Z])|who we are|our (mission|story|culture|values|company)|"
            r"why (join|work)|life at|company overview|our team",
        ),
    )
)
SECTION_NEED = {"requirements": REQUIRED, "preferred": PREFERRED, "responsibilities": MENTIONED}
BOILERPLATE_SECTIONS = frozenset({"company", "benefits"})

# The need cues are matched in the lower-cased text (about 3x faster than case-insensitive matching).
# Cues that qualify what follows them ("Python, and preferably C++"): only later items are preferred.
FORWARD_PREFERRED_CUE = re.compile(
    r"\b(preferably|ideally|optionally|bonus points for|even better|(a |strong )?preference for)\b"
)
PREFERRED_CUE = re.compile(
    r"\b(an? (added |big |huge |strong |great |major |definite |real |additional )?plus|preferred|preferably|"
    r"preferable|preference|nice[\s-]to[\s-]have|good[\s-]to[\s-]have|bonus|"
    r"desirable|desired|ideally|advantage|advantageous|beneficial|helpful|would be great|great to have|"
    r"optimally|not required|not essential|not a must|an asset|is a bonus)\b"
)
# The tokens a cue can start with (whole words, and word beginnings): the cues are only tried there.
FORWARD_CUE_STARTS = (frozenset({"a", "strong", "even", "bonus", "ideally", "optionally"}), ("prefer",))
PREFERRED_CUE_STARTS = (
    frozenset("a an nice good bonus ideally helpful would great not is".split()),
    ("prefer", "desir", "advantag", "benefic", "optimal"),
)
REQUIRED_CUE_STARTS = (
    frozenset(
        "must mandatory essential should expected need you youll at minimum strong solid experience hands "
        "knowledge expertise background demonstrated proven understanding track looking we ideal "
        "candidate candidates".split()
    ),
    ("requir", "proficien", "familiar", "fluen", *"0123456789"),
)
REQUIRED_CUE = re.compile(
    r"\b(must|required|requires?|requirement|mandatory|essential|should have|expected to have|"
    r"need to have|you have|you bring|you.?ll bring|you.?ll have|you possess|proficien\w*|"
    r"\d+\s*\+?\s*(years|yrs)|at least|minimum|strong (knowledge|experience|background|skills|command)|"
    r"solid (knowledge|experience|background|understanding)|experience (with|in|using|building)|"
    r"hands-on|knowledge of|familiar\w*|fluen\w+|expertise in|background in|demonstrated|proven|"
    r"understanding of|track record|looking for|we want|you should|ideal candidate|"
    r"candidates? (will|should))\b"
)
# A preferred cue inside parentheses qualifies only what the parentheses hold: "SQL (Snowflake a plus)".
_ASIDE = re.compile(r"\([^()\n]{1,200}\)")
_INLINE_HEADING = re.compile(r"^\s*(?:[-•*]\s*)?(?P<heading>[A-Za-z][A-Za-z /&'’()-]{2,40}):\s+\S")
# A line without a colon that names what is asked is a list item, not a heading: "Experience with SQL",
# "Knowledge of Spark"; so is one that ends in a preferred word after something specific
# ("Graduate degree preferred", but not "Skills preferred").
_ITEM_LINE = re.compile(
    r"\b(experience|expertise|knowledge|proficiency|familiarity|background|understanding)\s+"
    r"(with|in|of|using|applying|building|working|on|across|developing|designing|deploying)\b",
    re.IGNORECASE,
)
_TRAILING_PREFERRED = frozenset(
    {"preferred", "preferable", "desired", "desirable", "plus", "advantage", "bonus", "beneficial", "helpful"}
)
_HEADING_WORDS = frozenset(
    "skills skill qualifications qualification experience education requirements knowledge additional other "
    "and & technical also but not is a an are that would be nice to have things what we you competencies "
    "abilities attributes certifications extra".split()
)
# Headings inside a run-on line, where scraping lost the line breaks: "... strong communication
# skills Preferred Qualifications: Experience with ...". Title case and a capital after: rare in prose.
_MIDLINE_HEADING = re.compile(
    r"(?=[ABDEKMNPQR])(?<=[\w.)!?,] )(?P<heading>(?:(?:Preferred|Minimum|Basic|Required|Desired|Additional|"
    r"Bonus|Key|Desirable|Essential)\s+(?:Qualifications?|Requirements|Skills|Experience)|Qualifications?|"
    r"Requirements|Responsibilities|Nice[ -]to[ -][Hh]aves?|Desirable|Essential|Bonus [Pp]oints))"
    r"(?:\s*[:：]\s*|\s+)(?=[A-Z(•])"
)
# Sentence ends, semicolons, line breaks, sentences glued together by scraping ("field.Strong"), and
# inline bullets ("Qualifications - BS in CS - 5+ years"; not ranges such as "2 - 5").
# The leading lookahead lets the search skip most positions at once (5x faster than without it).
_SENTENCE_BREAK = re.compile(
    r"(?=[\s.!?ABDEKMPSU])(?:(?<=[.!?])\s+(?=[A-Z0-9(\"'•-])|(?<=;)\s+|\n+|(?<=[a-z)])[.!?](?=[A-Z])|(?<=[^\d\s])\s+[-–•*]\s+(?=\S)|"
    # bullets whose line breaks were lost: "... ML services Hands-on experience in ..."
    r"(?<=[a-z0-9)])(?=\s+[A-Z])(?<!\bor)(?<!\band)(?<!\ba)(?<!\ban)(?<!\bthe)(?<!\bin)(?<!\bof)(?<!\bwith)(?<!\bto)"
    r"(?<!\bhave)(?<!\bhas)(?<!\bhold)(?<!\bis)(?<!\bare)\s+(?=(?:Experience|Hands-on|Strong|Proven|Demonstrated|Solid|Excellent|Familiarity|"
    r"Knowledge|Ability|Understanding|Proficiency|Expertise|Bachelor|Master|PhD|Ph\.D|BS|MS|At least|"
    r"Minimum|Comfortable|Deep|Working knowledge|Advanced|Preferred|Required|Must|Nice to have)\b)|"
    # list items glued together without a space: "... quantitative fieldProficiency in Python ..."
    r"(?<=[a-z])(?=(?:Experience|Strong|Proven|Demonstrated|Solid|Excellent|Knowledge|Ability|Understanding|"
    r"Proficiency|Expertise|Bachelor|Must|Advanced|Preferred)\b))"
)
MAX_HEADING_WORDS = 7
MAX_BARE_HEADING_WORDS = 5  # a heading line without a colon is short: longer lines are list items
MAX_HEADING_CHARS = 71  # a whole-line heading's words, markup and colon aside
MAX_HEADING_LINE = 90  # longer lines are headings only inline ("Must have: ..."), with an early colon


@dataclass(frozen=True)
class Section:
    """A stretch of the text under one heading; `kind` is requirements, preferred, responsibilities,
    company, benefits or other."""

    kind: str
    heading: str | None
    start: int
    end: int


def heading_kind(heading: str) -> str | None:
    for kind, pattern in HEADING_KINDS:
        if pattern.search(heading):
            return kind
    return None


def whole_heading(line: str) -> tuple[str, bool] | None:
    """(heading, whether a colon ends it) when the whole line is a heading: optional markup ("## ",
    "**"), up to 71 characters starting with a letter and holding none of : . ! ?, then an optional
    colon and question mark ("Requirements", "## Nice to have:"). Plain string tests: every line of
    every posting goes through here."""
    text = line.strip()
    if text.startswith("#"):
        marks = len(text) - len(text.lstrip("#"))
        if marks > 6:
            return None
        text = text[marks:].lstrip()
    elif text.startswith(("**", "__")):
        text = text[2:]
    if text.endswith("?"):
        text = text[:-1].rstrip()
    colon = text.endswith(":")
    if colon:
        text = text[:-1].rstrip()
    if text.endswith(("**", "__")):
        text = text[:-2]
    if not text or text[0] not in string.ascii_letters or len(text) > MAX_HEADING_CHARS:
        return None
    if any(mark in text for mark in "\n:.!?"):
        return None
    return text, colon


def _heading_at(line: str) -> tuple[str, str] | None:
    """(heading, kind) when the line is a heading, whole ("Requirements") or inline ("Must have: ...")."""
    if "：" in line:  # a full-width colon
        line = line.replace("：", ":")
    if len(line) > MAX_HEADING_LINE and ":" not in line[: MAX_HEADING_LINE // 2]:
        return None
    if line.rstrip().endswith(("..", "…")):  # "WHAT YOU'LL BRING..."
        line = line.rstrip().rstrip(".…")
    whole = whole_heading(line)
    if whole:
        heading, colon = whole
        limit = MAX_HEADING_WORDS if colon else MAX_BARE_HEADING_WORDS
        if len(heading.split()) <= limit:
            kind = heading_kind(heading)
            marked = colon or line.lstrip()[:1] in "#*_"  # a colon or markup: a heading, not an item
            if kind and (marked or not _list_item(heading)):
                return heading.strip(), kind
    inline = _INLINE_HEADING.match(line)
    if inline and len(inline.group("heading").split()) <= MAX_HEADING_WORDS:
        kind = heading_kind(inline.group("heading"))
        if kind:
            return inline.group("heading").strip(), kind
    return None


def _list_item(heading: str) -> bool:
    """True for the words of a bare line (no colon, no markup) that read as a list item ("Experience
    with SQL")."""
    if _ITEM_LINE.search(heading):
        return True
    words = heading.lower().split()
    return (
        len(words) >= 2
        and words[-1] in _TRAILING_PREFERRED
        and any(word not in _HEADING_WORDS for word in words[:-1])
    )


def midline_headings(text: str) -> list[tuple[int, str, str]]:
    """(offset, heading, kind) of the headings inside run-on lines."""
    found = []
    for match in _MIDLINE_HEADING.finditer(text):
        kind = heading_kind(match.group("heading"))
        if kind:
            found.append((match.start(), match.group("heading"), kind))
    return found


def split_sections(text: str) -> list[Section]:
    """Cut the text at heading lines and at headings inside run-on lines; the text before the first
    heading is an `other` section."""
    headings: list[tuple[int, str, str]] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        found = _heading_at(line)
        if found:
            headings.append((offset, *found))
        offset += len(line)
    if len(headings) < 2:  # the scrape kept few line breaks: look inside the lines
        headings = sorted(headings + midline_headings(text))
    sections: list[Section] = []
    kind, heading, start = "other", None, 0
    for offset, found_heading, found_kind in headings:
        if offset > start:
            sections.append(Section(kind, heading, start, offset))
        heading, kind, start = found_heading, found_kind, offset
    sections.append(Section(kind, heading, start, len(text)))
    return sections


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence or line."""
    bounds, start = [], 0
    for match in _SENTENCE_BREAK.finditer(text):
        end = match.start()
        if text[end] in ".!?":  # "field.Strong": the full stop ends the first sentence
            end += 1
        if end > start:
            bounds.append((start, end))
        start = match.end()
    if start < len(text):
        bounds.append((start, len(text)))
    return bounds


def cue_starts(spans: list[tuple[int, int]], outside: tuple[tuple[int, int], ...] = ()) -> tuple[int, ...]:
    """Where the cues start, leaving out those inside `outside` spans."""
    starts = (start for start, _ in spans)
    if not outside:
        return tuple(starts)
    return tuple(place for place in starts if not any(start <= place < end for start, end in outside))


@dataclass(frozen=True)
class NeedReader:
    """Answers "how strongly is the thing at this offset asked for?" for one posting.

    The need cues are found once over the whole text (`forward`, `preferred`, `required`: where each
    kind of cue starts); a sentence's cues are looked up by its bounds.
    """

    text: str
    lower: str
    sections: tuple[Section, ...]
    sentences: tuple[tuple[int, int], ...]
    forward: tuple[int, ...]
    preferred: tuple[int, ...]
    required: tuple[int, ...]
    asides: tuple[tuple[int, int], ...] = ()  # parentheses holding a preferred cue, which stays inside
    section_starts: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "section_starts", tuple(section.start for section in self.sections))

    @classmethod
    def of(cls, text: str, tokens: Tokens | None = None) -> NeedReader:
        """Read a text's sections, sentences and need cues; `tokens` (its tokenization, made here when
        not given) says where a cue can start."""
        tokens = tokenize(text) if tokens is None else tokens
        lower = tokens.lowered

        patterns = (FORWARD_PREFERRED_CUE, PREFERRED_CUE, REQUIRED_CUE)
        places = tokens.places_of_each([FORWARD_CUE_STARTS, PREFERRED_CUE_STARTS, REQUIRED_CUE_STARTS])
        forward_spans, preferred_spans, required_spans = (
            tuple(match.span() for match in tokens.anchored_matches(pattern, at))
            for pattern, at in zip(patterns, places, strict=True)
        )
        preferred = cue_starts(preferred_spans, forward_spans)
        forward = tuple(start for start, _ in forward_spans)
        asides: tuple[tuple[int, int], ...] = ()
        if "(" in lower:
            cues = sorted(preferred + forward)
            asides = tuple(
                match.span()
                for match in _ASIDE.finditer(lower)
                if first_in(cues, match.start(), match.end()) is not None
            )
            if asides:
                forward = tuple(start for start in forward if not _inside(start, asides))
                preferred = tuple(start for start in preferred if not _inside(start, asides))
        return cls(
            text,
            lower,
            tuple(split_sections(text)),
            tuple(sentence_bounds(text)),
            forward,
            preferred,
            cue_starts(required_spans),
            asides,
        )

    def asides_in(self, start: int, end: int) -> list[tuple[int, int]]:
        """The parenthesised preferred asides within [start, end)."""
        index = bisect.bisect_left(self.asides, (start, start))
        found = []
        while index < len(self.asides) and self.asides[index][0] < end:
            found.append(self.asides[index])
            index += 1
        return found

    def section_at(self, offset: int) -> Section:
        index = bisect.bisect_right(self.section_starts, offset) - 1
        return self.sections[max(index, 0)]

    def sentence_bounds_at(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.sentences, (offset, float("inf"))) - 1
        if index >= 0 and self.sentences[index][0] <= offset < self.sentences[index][1]:
            return self.sentences[index]
        return offset, offset

    def in_boilerplate(self, offset: int) -> bool:
        """True inside a company or benefits section (what the employer says of itself, not of the job)."""
        return self.section_at(offset).kind in BOILERPLATE_SECTIONS

    def need_at(self, offset: int) -> str:
        """required, preferred or mentioned; `company` for company and benefits boilerplate."""
        start, end = self.sentence_bounds_at(offset)
        forward, preferred, required = self.cues_of(start, end)
        if (forward is not None and forward < offset) or preferred:
            return PREFERRED
        if self.asides and _inside(offset, self.asides) and not self.in_boilerplate(offset):
            return PREFERRED
        section = self.section_at(offset)
        if section.kind in BOILERPLATE_SECTIONS:
            return COMPANY
        if section.kind == "preferred":
            return PREFERRED
        if required:
            return REQUIRED
        return SECTION_NEED.get(section.kind, MENTIONED)

    def cues_of(self, start: int, end: int) -> tuple[int | None, bool, bool]:
        """(where the first forward cue of the sentence starts or None, any preferred cue, any required
        cue) for the sentence at [start, end)."""
        first_forward = first_in(self.forward, start, end)
        return (
            first_forward,
            first_in(self.preferred, start, end) is not None,
            first_in(self.required, start, end) is not None,
        )


def _inside(offset: int, spans: tuple[tuple[int, int], ...]) -> bool:
    """True when the offset falls in one of the sorted, disjoint spans."""
    index = bisect.bisect_right(spans, (offset, float("inf"))) - 1
    return index >= 0 and spans[index][0] <= offset < spans[index][1]


def first_in(starts: tuple[int, ...], start: int, end: int) -> int | None:
    """The first of the sorted offsets in [start, end), or None."""
    index = bisect.bisect_left(starts, start)
    return starts[index] if index < len(starts) and starts[index] < end else None
