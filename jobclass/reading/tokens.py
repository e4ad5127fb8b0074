"""The one tokenization of a posting: words and punctuation marks with their character offsets, their
lower-case forms and their lemmas.

A plain regex tokenizer is some 30x faster than spaCy's rule-based one on postings and is all the
matching needs; `jobclass.pipeline` builds spaCy Docs from these same tokens.
"""

from __future__ import annotations

import bisect
import gzip
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from itertools import compress

# A word (letters, digits, underscores), a common abbreviation kept whole ("e.g.", "i.e."), or one mark.
TOKEN = re.compile(r"\b(?:[Ee]\.[Gg]|[Ii]\.[Ee])\.|\w+|[^\w\s]")


@lru_cache(maxsize=1)
def lemma_table() -> dict[str, str]:
    """spaCy's English lookup lemmas (lower-case word -> lemma), read from spacy-lookups-data."""
    data = files("spacy_lookups_data").joinpath("data", "en_lemma_lookup.json.gz").read_bytes()
    return json.loads(gzip.decompress(data))


def same_length_lower(text: str) -> str:
    """The text lower-cased character by character, so every offset stays the same ("İ" lowers to two
    characters; such characters are kept as they are)."""
    lower = text.lower()
    if len(lower) == len(text):
        return lower
    return "".join(char.lower() if len(char.lower()) == 1 else char for char in text)


@dataclass(frozen=True)
class Tokens:
    """The tokens of one text: `starts`/`ends` are character offsets, `lower` the lower-case forms and
    `norms` the lower-case lemmas ("Deploying" -> "deploy"); `lowered` is the whole text lower-cased
    with its offsets kept (`same_length_lower`)."""

    text: str
    lowered: str
    starts: list[int]
    ends: list[int]
    lower: list[str]
    norms: list[str]
    breaks: frozenset[int]  # the tokens that start a line (after the first)

    def __len__(self) -> int:
        return len(self.lower)

    def line_break_before(self, index: int) -> bool:
        """True when a line break separates token `index` from the token before it."""
        return index in self.breaks

    def glued(self, index: int) -> bool:
        """True when token `index` follows the previous one with no space between ("C++", "R&D")."""
        return index > 0 and self.ends[index - 1] == self.starts[index]

    def places(self, words: frozenset[str] = frozenset(), prefixes: tuple[str, ...] = ()) -> list[int]:
        """Indices of the tokens that are one of `words` or start with one of `prefixes`, in order."""
        return self.places_of_each([(words, prefixes)])[0]

    def places_of_each(self, kinds: list[tuple[frozenset[str], tuple[str, ...]]]) -> list[list[int]]:
        """`places` for several (words, prefixes) kinds at once: the prefixes are tried once on the
        distinct tokens, then per kind only on those that passed."""
        distinct = set(self.lower)
        all_prefixes = tuple(prefix for _, prefixes in kinds for prefix in prefixes)
        prefixed = [word for word in distinct if word.startswith(all_prefixes)] if all_prefixes else []
        found = []
        for words, prefixes in kinds:
            wanted = distinct & words
            if prefixes:
                wanted.update(word for word in prefixed if word.startswith(prefixes))
            found.append(places_of(wanted, self.lower))
        return found

    def anchored_matches(
        self, pattern: re.Pattern, places: list[int], offsets: list[int] = ()
    ) -> list[re.Match]:
        """What `pattern.finditer(self.lowered)` finds, for a pattern whose matches start where the tokens
        at `places` (or the characters at `offsets`) start: the regex runs a few times on short
        stretches instead of once over every character."""
        lowered = self.lowered
        found, covered = [], 0
        for start in sorted({*(self.starts[index] for index in places), *offsets}):
            if start < covered:
                continue
            match = pattern.match(lowered, start)
            if match and match.end() > start:
                found.append(match)
                covered = match.end()
        return found


def tokenize(text: str, lemmas: dict[str, str] | None = None) -> Tokens:
    """Tokenize a text once; `lemmas` defaults to spaCy's English lookup table."""
    # One regex pass; map() over C-level callables keeps the per-token work out of Python bytecode
    # (tokens are a large share of what a posting costs).
    lowered = same_length_lower(text)
    matches = list(TOKEN.finditer(lowered))
    starts = list(map(re.Match.start, matches))
    ends = list(map(re.Match.end, matches))
    lower = list(map(re.Match.group, matches))
    table = lemma_table() if lemmas is None else lemmas
    norms = list(map(table.get, lower, lower))
    return Tokens(text, lowered, starts, ends, lower, norms, line_starts(text, starts))


def places_of(words, sequence: list[str]) -> list[int]:
    """The indices in `sequence` of the items in `words` (a set), found by C-level iteration."""
    if not words:
        return []
    return list(compress(range(len(sequence)), map(set(words).__contains__, sequence)))


def occurrences(text: str, words: tuple[str, ...]) -> list[int]:
    """Every offset where one of `words` occurs in `text`, inside other words too (str.find)."""
    found = []
    for word in words:
        position = text.find(word)
        while position != -1:
            found.append(position)
            position = text.find(word, position + 1)
    return found


def line_starts(text: str, starts: list[int]) -> frozenset[int]:
    """The indices of the tokens that follow a line break."""
    found = set()
    position = text.find("\n")
    while position != -1:
        index = bisect.bisect_left(starts, position)
        if 0 < index < len(starts):
            found.add(index)
        position = text.find("\n", position + 1)
    return frozenset(found)
