"""Reading postings: decoding bytes into text and splitting off an optional title line."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

from jobclass.errors import InputError

TITLE_LINE = re.compile(r"\A\s*title\s*:\s*(?P<title>[^\r\n]*)\r?\n?", re.IGNORECASE)
# Control characters other than tab, newline, carriage return and form feed mark a binary file.
_BINARY_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f]")
# Real postings are well under 30,000 characters; beyond this a "posting" is a dump, not a posting.
MAX_POSTING_CHARS = 200_000
# The most the library reads in one text (`jobclass.reader.PostingReader.read`); batch --max-chars may
# go up to it.
MAX_READ_CHARS = 1_000_000
# A posting is read as HTML when it holds a tag of one of these elements.
_HTML_TAG = re.compile(
    r"</?(?:html|body|div|p|br|li|ul|ol|h[1-6]|span|b|strong|em|i|table|tr|td|th|a|section|article|"
    r"script|style|font)\b[^<>]*>",
    re.IGNORECASE,
)
# A letter or a digit in any script: a text without one ("---- *** ----", zero-width spaces) has no words.
_WORD_CHARACTER = re.compile(r"[^\W_]")
_BLOCK_TAGS = {"p", "div", "br", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
               "article", "header", "footer", "li"}  # fmt: skip


@dataclass(frozen=True)
class Posting:
    """One job posting: its body text, an optional title and where it came from."""

    text: str
    title: str | None = None
    source: str = "<text>"


def decode_posting(data: bytes, source: str) -> str:
    """Decode raw bytes as UTF-8 (or UTF-16 with a BOM), refusing binary or undecodable data."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as err:
        if b"\x00" in data:
            raise InputError(f"{source}: looks like a binary file, not a text posting") from None
        raise InputError(
            f"{source}: is not UTF-8 text (undecodable byte 0x{data[err.start]:02x} at offset {err.start})"
        ) from None
    if _BINARY_CHARS.search(text):
        raise InputError(f"{source}: looks like a binary file, not a text posting")
    return text


class _TextOfHtml(HTMLParser):
    """Collects the text of an HTML document: block elements become line breaks, list items bullets,
    and the content of script and style elements is dropped."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skipping += 1
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def plain_text(text: str) -> str:
    """The text of a posting with any HTML markup removed (tags stripped, entities decoded, block
    elements turned into line breaks); plain text comes back unchanged."""
    if not _HTML_TAG.search(text):
        return text
    parser = _TextOfHtml()
    parser.feed(text)
    parser.close()
    lines = (" ".join(line.split()) for line in unescape("".join(parser.parts)).splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def has_words(text: str) -> bool:
    """Whether a text holds any letter or digit: punctuation, symbols and invisible characters alone
    are not a posting."""
    return _WORD_CHARACTER.search(text) is not None


def split_title(text: str) -> tuple[str | None, str]:
    """Split a leading `Title: ...` line from the body; returns (title or None, body)."""
    match = TITLE_LINE.match(text)
    if not match:
        return None, text
    title = match.group("title").strip() or None
    return title, text[match.end() :]


def posting_from_text(text: str, source: str = "<text>", title: str | None = None) -> Posting:
    """Build a Posting from text, taking the title from `title` or else a first `Title:` line; HTML is
    reduced to its text. Refuses an empty posting or one over MAX_POSTING_CHARS."""
    line_title, body = split_title(text)
    body = plain_text(body)
    if not has_words(body):
        raise InputError(f"{source}: the posting is empty (no words)")
    if len(body) > MAX_POSTING_CHARS:
        raise InputError(
            f"{source}: the posting is {len(body):,} characters, over the limit of {MAX_POSTING_CHARS:,}"
        )
    return Posting(text=body.strip(), title=title or line_title, source=source)


def read_posting(path: str | Path, title: str | None = None) -> Posting:
    """Read one posting file; `title` overrides a `Title:` line in the file."""
    path = Path(path)
    source = str(path)
    if path.is_dir():
        raise InputError(f"{source}: is a directory, not a posting file")
    try:
        size = path.stat().st_size
        if size > 4 * MAX_POSTING_CHARS + 4096:  # bytes: up to 4 per character in UTF-8
            raise InputError(
                f"{source}: {size:,} bytes is too large for a posting "
                f"(limit {MAX_POSTING_CHARS:,} characters)"
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{source}: no such file") from None
    except OSError as err:
        raise InputError(f"{source}: cannot be read ({err.strerror})") from None
    return posting_from_text(decode_posting(data, source), source=source, title=title)
