"""Title parser: which role a raw job title names, by the title rules of the role profiles.

A title is normalised first: lower case, "Sr."/"Jr." spelled out, "machine learning" -> "ml",
"artificial intelligence" -> "ai", "MLE" -> "ml engineer", punctuation to spaces. Then it names a role
when it contains one of the role's `titles` as whole words ("Sr. ML Engineer II - Search"), or the
role's `qualified_titles.base` together with one of its qualifiers ("Research Scientist, Generative AI").
A title naming two roles, or a bare "Research Scientist", names none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from jobclass.profiles import Profiles

_SPELLINGS = (
    (re.compile(r"\bsr\b\.?"), "senior"),
    (re.compile(r"\bjr\b\.?"), "junior"),
    (re.compile(r"\bm\.l\.?(?=\W|$)"), "ml"),
    (re.compile(r"\ba\.i\.?(?=\W|$)"), "ai"),
    (re.compile(r"\bmachine[\s-]+learning\b"), "ml"),
    (re.compile(r"\bartificial[\s-]+intelligence\b"), "ai"),
    (re.compile(r"\bgen[\s-]?ai\b"), "genai"),
    (re.compile(r"\bmles?\b"), "ml engineer"),
    (re.compile(r"&"), " and "),
    (re.compile(r"[^a-z0-9+#]+"), " "),
)


@lru_cache(maxsize=4096)
def normalise_title(title: str) -> str:
    """Lower-cased title with common abbreviations unified and punctuation turned into spaces."""
    text = title.lower()
    for pattern, replacement in _SPELLINGS:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())


@lru_cache(maxsize=1024)
def _whole_words(phrase: str) -> re.Pattern:
    return re.compile(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])")


def _contains(words: str, phrase: str) -> re.Match | None:
    """The first place `phrase` stands in `words` as whole words (a substring test first: most don't)."""
    return _whole_words(phrase).search(words) if phrase in words else None


@dataclass(frozen=True)
class TitleReading:
    """The role a title names (or None), the words that decided it, and why."""

    title: str | None
    role: str | None
    matched: str | None
    reason: str

    def to_dict(self) -> dict:
        return {"title": self.title, "role": self.role, "matched": self.matched, "reason": self.reason}


def read_title(title: str | None, profiles: Profiles) -> TitleReading:
    """Map a raw title to a role label, or to None when it names no role or more than one."""
    if not title or not title.strip():
        return TitleReading(title, None, None, "no title")
    words = normalise_title(title)
    found: dict[str, tuple[int, int, str]] = {}  # role -> (start, end, matched words), the longest match
    for profile in profiles:
        for name in profile.titles:
            match = _contains(words, normalise_title(name))
            if match and (profile.role not in found or len(match.group()) > len(found[profile.role][2])):
                found[profile.role] = (match.start(), match.end(), match.group())
    # Of two overlapping matches the longer one, or else the earlier one, is the title's role:
    # "ml research scientist" holds "research scientist"; "ai research scientist - ml ..." reads as AI.
    found = {role: hit for role, hit in found.items() if not any(_outranks(o, hit) for o in found.values())}
    if not found:
        found = _qualified_matches(words, profiles)
    if len(found) > 1:
        roles = " and ".join(sorted(found))
        return TitleReading(title, None, None, f"names more than one role ({roles})")
    if found:
        ((role, (_, _, matched)),) = found.items()
        return TitleReading(title, role, matched, f"names {matched!r}")
    bases = {p.qualified_title.base for p in profiles if p.qualified_title}
    bare = [base for base in bases if _contains(words, normalise_title(base))]
    if bare:
        return TitleReading(title, None, None, f"{bare[0]!r} without a field that decides the role")
    return TitleReading(title, None, None, "names none of the four roles")


def _outranks(one: tuple[int, int, str], other: tuple[int, int, str]) -> bool:
    overlap = one[0] < other[1] and other[0] < one[1]
    longer = one[1] - one[0] > other[1] - other[0]
    same_length_earlier = one[1] - one[0] == other[1] - other[0] and one[0] < other[0]
    return overlap and (longer or same_length_earlier)


def _qualified_matches(words: str, profiles: Profiles) -> dict[str, tuple[int, int, str]]:
    found = {}
    for profile in profiles:
        rule = profile.qualified_title
        base = rule and _contains(words, normalise_title(rule.base))
        if not base:
            continue
        for qualifier in rule.qualifiers:
            hit = _contains(words, normalise_title(qualifier))
            if hit and not (base.start() <= hit.start() < base.end()):
                found[profile.role] = (base.start(), base.end(), f"{base.group()} + {hit.group()}")
                break
    return found
