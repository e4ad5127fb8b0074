"""The one matching pass over a posting's tokens: taxonomy aliases, context aliases and profile phrases.

- Aliases match case-insensitively as whole token sequences ("scikit-learn", "a/b testing").
- Context aliases are names that are also ordinary words or letters ("R", "Go", "Spark"): they match
  in their exact case and are kept only in a technical context (a cue word such as "experience" or
  "libraries" nearby, a list with another skill, or a short need line of a posting that names other
  tools: "Spark is a plus."), and never when the next or previous word makes them ordinary words
  ("R&D", "Go to market", "C-suite").
- Where skill matches overlap, the longest wins.
- A hashtag ("#MachineLearning", "#AgenticAI") is a posting's tag line, not a skill asked for: no
  alias or context alias matches right after a glued "#".
- Profile phrases match by lemma, word by word, up to `MAX_GAP` words apart and never across a line
  or sentence break: "deploy model" finds "deploying models" and "deployed a model".

Every lookup is a dict lookup keyed by a token's lower-case form or lemma, so a posting costs one
visit per token plus the work on the few tokens that start a candidate.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from jobclass.reading.tokens import TOKEN, Tokens, lemma_table, places_of

# Words near an ambiguous name ("R", "Go", "Spark") that show it is meant as a technology.
TECH_CUES = frozenset(
    "programming program language languages coding code scripting scripts proficiency proficient fluent "
    "fluency experience experienced knowledge familiarity familiar expertise skills skill stack tools "
    "tooling using libraries library framework frameworks packages package environment environments "
    "such e.g. including like developer developers engineer notebooks cluster clusters jobs "
    "dataframes streaming applications services sdk api apis".split()
)
# Words of a short need line ("Spark is a plus.", "Airflow preferred") that name it as asked for.
NEED_WORDS = frozenset(
    "plus preferred preferably required bonus desirable desired advantage advantageous asset must "
    "nice beneficial helpful ideally mandatory essential".split()
)
SHORT_LINE_TOKENS = 10
# A posting that names this many distinct tools (not counting the ambiguous ones) is technical.
TECHNICAL_POSTING_TOOLS = 2
# Tokens that may stand between two items of one list: "Python, R and SQL", "C/C++", "(R or Julia)".
LIST_GLUE = frozenset(
    {",", "/", "and", "or", "&", "(", ")", ";", "|", "+", "either", "nor", "-", "•", "*", "·"}
)
SENTENCE_ENDS = frozenset({".", "!", "?", ";"})
# An ambiguous name followed or preceded by these is an ordinary word: "R&D", "Go-to-market", "C-suite".
BLOCKED_NEXT = frozenset({"-", "to", "at", "in", "on", "ahead", "beyond", "above", "the"})
BLOCKED_PREVIOUS = frozenset(
    "series vitamin grade tier level class type section part phase option plan letter "
    "a the we you they".split()
)
HONORIFICS = frozenset({"dr", "mr", "ms", "mrs"})  # "Dr. Go", "Ms. Spark"
ALIAS_END = ""  # the trie key under which an alias's last token node keeps its entry id (no token is "")
CUE_WINDOW_BEFORE = 5
CUE_WINDOW_AFTER = 2
MAX_GAP = 2
# Words may stand between a phrase's words, but not a line break or one of these.
PHRASE_BREAKS = frozenset({".", "!", "?", ";", ":", "•"})


def token_forms(phrase: str) -> tuple[str, ...]:
    """A phrase cut into tokens the way postings are, lower-cased."""
    return tuple(TOKEN.findall(phrase.lower()))


@dataclass(frozen=True)
class PhrasePattern:
    """A profile phrase as lemmas; `tight[k]` says word k must follow word k-1 directly (punctuation)."""

    phrase: str
    norms: tuple[str, ...]
    tight: tuple[bool, ...]
    words: frozenset[str]  # its lemmas: a posting lacking one of them cannot hold the phrase


def phrase_pattern(phrase: str, lemmas: dict[str, str]) -> PhrasePattern:
    words = token_forms(phrase)
    punct = [not word[0].isalnum() for word in words]
    tight = tuple(i > 0 and (punct[i] or punct[i - 1]) for i in range(len(words)))
    norms = tuple(lemmas.get(word, word) for word in words)
    return PhrasePattern(phrase, norms, tight, frozenset(norms))


@dataclass(frozen=True)
class Matches:
    """What the pass found: skill spans (key, first char, end char) without overlaps, in text order,
    and profile phrase spans (phrase, first char, end char)."""

    skills: tuple[tuple[str, int, int], ...]
    phrases: tuple[tuple[str, int, int], ...]


class MatchIndex:
    """Aliases, context aliases and profile phrases, indexed by their first token."""

    def __init__(
        self,
        aliases: Iterable[tuple[str, str]],
        context_aliases: Iterable[tuple[str, str]],
        phrases: Iterable[str],
        tool_keys: Iterable[str],
        lemmas: dict[str, str] | None = None,
    ):
        self.lemmas = lemma_table() if lemmas is None else lemmas
        # A trie of the aliases' tokens: a match is one walk, however many aliases share a first word.
        self.aliases: dict[str, dict] = {}
        for key, form in aliases:
            words = token_forms(form)
            if words:
                node = self.aliases
                for word in words:
                    node = node.setdefault(word, {})
                node.setdefault(ALIAS_END, key)
        # lower first word -> (exact form, length in tokens, key), longest first
        self.context: dict[str, list[tuple[str, int, str]]] = {}
        for key, form in context_aliases:
            words = token_forms(form)
            if words:
                self.context.setdefault(words[0], []).append((form, len(words), key))
        for candidates in self.context.values():
            candidates.sort(key=lambda candidate: -candidate[1])
        self.phrases: dict[str, list[PhrasePattern]] = {}
        for phrase in sorted(set(phrases)):
            pattern = phrase_pattern(phrase, self.lemmas)
            if pattern.norms:
                self.phrases.setdefault(pattern.norms[0], []).append(pattern)
        self.tool_keys = frozenset(tool_keys)
        self.first_words = frozenset(self.aliases) | frozenset(self.context)

    def match(self, tokens: Tokens) -> Matches:
        sure, ambiguous = self.alias_matches(tokens)
        accepted = accept_in_context(tokens, sure, ambiguous, self.is_technical(sure))
        spans = longest_first(sure + accepted)
        return Matches(
            tuple((key, tokens.starts[start], tokens.ends[end - 1]) for start, end, key in spans),
            tuple(self.phrase_matches(tokens)),
        )

    def is_technical(self, sure: list[tuple[int, int, str]]) -> bool:
        return len({key for _, _, key in sure if key in self.tool_keys}) >= TECHNICAL_POSTING_TOOLS

    def alias_matches(self, tokens: Tokens) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]]]:
        """(start token, end token, key) of every alias match, and of every unblocked context alias."""
        lower, aliases, context = tokens.lower, self.aliases, self.context
        sure, ambiguous = [], []
        for i in places_of(self.first_words.intersection(lower), lower):
            if is_hashtag(tokens, i):
                continue
            word = lower[i]
            for end, key in alias_ends(aliases, lower, i):
                if not crosses_line(tokens, i, end) and not inside_dotted_name(tokens, i, end):
                    sure.append((i, end, key))
                    break
            candidates = context.get(word)
            if candidates:
                for form, length, key in candidates:
                    end = i + length
                    if (
                        end <= len(lower)
                        and tokens.text[tokens.starts[i] : tokens.ends[end - 1]] == form
                        and not is_blocked(tokens, i, end)
                    ):
                        ambiguous.append((i, end, key))
                        break
        return sure, ambiguous

    def phrase_matches(self, tokens: Tokens) -> list[tuple[str, int, int]]:
        """Only the phrases all of whose words the posting has are tried, at their first word's places."""
        norms = tokens.norms
        present = set(norms)
        viable = {
            first: kept
            for first in present.intersection(self.phrases)
            if (kept := [pattern for pattern in self.phrases[first] if pattern.words <= present])
        }
        found = []
        for start in places_of(viable.keys(), norms):
            window = norms[start + 1 : start + 2 + MAX_GAP]  # where a phrase's second word can be
            for pattern in viable[norms[start]]:
                if len(pattern.norms) > 1 and pattern.norms[1] not in window:
                    continue
                end = phrase_end(pattern, tokens, start)
                if end is not None:
                    found.append((pattern.phrase, tokens.starts[start], tokens.ends[end - 1]))
        return found


def alias_ends(trie: dict, lower: list[str], start: int) -> list[tuple[int, str]]:
    """(end token, key) of every alias that starts at `start`, longest first."""
    found = []
    node, position = trie, start
    while position < len(lower) and (child := node.get(lower[position])) is not None:
        node, position = child, position + 1
        if ALIAS_END in node:
            found.append((position, node[ALIAS_END]))
    return found[::-1]


def is_hashtag(tokens: Tokens, start: int) -> bool:
    """The token is glued to a "#" that is not itself glued to a word before it ("#MLOps", not "C#")."""
    if start == 0 or tokens.lower[start - 1] != "#" or not tokens.glued(start):
        return False
    return start == 1 or not tokens.glued(start - 1) or not tokens.lower[start - 2][0].isalnum()


def crosses_line(tokens: Tokens, start: int, end: int) -> bool:
    return any(tokens.line_break_before(i) for i in range(start + 1, end))


def phrase_end(pattern: PhrasePattern, tokens: Tokens, start: int) -> int | None:
    """The end token of the pattern's match beginning at `start`, or None when it does not match there."""
    norms, breaks, position, last = tokens.norms, tokens.breaks, start, len(tokens.norms) - 1
    for norm, tight in zip(pattern.norms[1:], pattern.tight[1:], strict=True):
        limit = min(position + 1 + (0 if tight else MAX_GAP), last)
        for candidate in range(position + 1, limit + 1):
            if candidate in breaks:
                return None
            if norms[candidate] == norm:
                position = candidate
                break
            if tight or tokens.lower[candidate] in PHRASE_BREAKS:
                return None
        else:
            return None
    return position + 1


def longest_first(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The longest spans that do not overlap (ties: the earlier), in text order."""
    taken: set[int] = set()
    kept = []
    for start, end, key in sorted(spans, key=lambda span: (span[0] - span[1], span[0])):
        if not taken.intersection(range(start, end)):
            kept.append((start, end, key))
            taken.update(range(start, end))
    return sorted(kept)


def is_blocked(tokens: Tokens, start: int, end: int) -> bool:
    """The words on either side (on the same line) make the name an ordinary word."""
    lower = tokens.lower
    following = lower[end] if end < len(lower) and not tokens.line_break_before(end) else ""
    previous = lower[start - 1] if start > 0 and not tokens.line_break_before(start) else ""
    if following == "-" and tokens.glued(end):  # "C-suite", "Go-to-market"; a spaced dash is a list's
        return True
    if following == "'" and end + 1 < len(lower) and lower[end + 1] == "s":  # "R's"
        return True
    if following == "&" and end + 1 < len(lower) and len(lower[end + 1]) == 1:  # "R & D", "R&D"
        return True
    if previous == "&" and tokens.glued(start):  # "P&L"
        return True
    if previous == "." and start >= 2 and lower[start - 2] in HONORIFICS:
        return True
    return following in BLOCKED_NEXT or previous in BLOCKED_PREVIOUS


def inside_dotted_name(tokens: Tokens, start: int, end: int) -> bool:
    """The match is part of a dotted name such as "Node.js" or "torch.nn" (a full stop glued on both
    sides, with a lower-case word or a digit after it), not a name of its own."""
    lower, text = tokens.lower, tokens.text
    if start >= 2 and lower[start - 1] == "." and tokens.glued(start) and tokens.glued(start - 1):
        if lower[start - 2][0].isalnum() and not text[tokens.starts[start]].isupper():
            return True
    if end + 1 < len(lower) and lower[end] == "." and tokens.glued(end) and tokens.glued(end + 1):
        after = text[tokens.starts[end + 1]]
        if after.isalpha() and not after.isupper():
            return True
    return False


def accept_in_context(
    tokens: Tokens,
    sure: list[tuple[int, int, str]],
    candidates: list[tuple[int, int, str]],
    technical: bool,
) -> list[tuple[int, int, str]]:
    """Keep the ambiguous matches next to a technology cue word, in a list with another skill, or (in a
    technical posting) on a short line that asks for them."""
    known = {i for start, end, _ in sure for i in range(start, end)}
    accepted: list[tuple[int, int, str]] = []
    pending = list(candidates)
    changed = True
    while changed:  # a list of ambiguous names ("R, Go, C") is accepted one neighbour at a time
        changed = False
        for span in list(pending):
            start, end, _ = span
            if (
                has_cue(tokens, start, end)
                or in_list_with(tokens, start, end, known)
                or (technical and on_short_need_line(tokens, start, end))
            ):
                accepted.append(span)
                known.update(range(start, end))
                pending.remove(span)
                changed = True
    return accepted


def sentence_window(tokens: Tokens, start: int, end: int, before: int, after: int):
    """Indices of up to `before` tokens before and `after` tokens after the span, nearest first, stopping
    at a sentence end or line break."""
    lower = tokens.lower
    for i in range(start - 1, max(start - before, 0) - 1, -1):
        if lower[i] in SENTENCE_ENDS or tokens.line_break_before(i + 1):
            break
        yield i
    for i in range(end, min(end + after, len(lower))):
        if lower[i] in SENTENCE_ENDS or tokens.line_break_before(i):
            break
        yield i


def has_cue(tokens: Tokens, start: int, end: int) -> bool:
    """A technology cue word shortly before or after the span, within the same sentence or line."""
    lower = tokens.lower
    return any(
        lower[i] in TECH_CUES
        for i in sentence_window(tokens, start, end, CUE_WINDOW_BEFORE, CUE_WINDOW_AFTER)
    )


def on_short_need_line(tokens: Tokens, start: int, end: int) -> bool:
    """The span sits in a short sentence or line that says it is wanted: "Spark is a plus."."""
    window = list(sentence_window(tokens, start, end, SHORT_LINE_TOKENS, SHORT_LINE_TOKENS))
    if len(window) + end - start > SHORT_LINE_TOKENS:
        return False
    return any(tokens.lower[i] in NEED_WORDS for i in window)


def in_list_with(tokens: Tokens, start: int, end: int, known: set[int]) -> bool:
    """True when only list glue (commas, slashes, and/or, line breaks) separates the span from a known
    skill."""
    lower = tokens.lower
    for step, edge in ((-1, start - 1), (1, end)):
        i, glued = edge, False
        while 0 <= i < len(lower) and lower[i] in LIST_GLUE:
            i += step
            glued = True
        crossed_line = tokens.line_break_before(start if step < 0 else end) if 0 <= i < len(lower) else False
        if (glued or crossed_line) and 0 <= i < len(lower) and i in known:
            return True
    return False
