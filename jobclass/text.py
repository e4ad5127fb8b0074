"""Reading postings: decoding bytes into text and splitting off an optional title line."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from jobclass.errors import InputError

TITLE_LINE = re.compile(r"\A\s*title\s*:\s*(?P<title>[^\r\n]*)\r?\n?", re.IGNORECASE)
# Control characters other than tab, newline, carriage return and form feed mark a binary file.
_BINARY_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f]")


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


def split_title(text: str) -> tuple[str | None, str]:
    """Split a leading `Title: ...` line from the body; returns (title or None, body)."""
    match = TITLE_LINE.match(text)
    if not match:
        return None, text
    title = match.group("title").strip() or None
    return title, text[match.end() :]


def posting_from_text(text: str, source: str = "<text>", title: str | None = None) -> Posting:
    """Build a Posting from text, taking the title from `title` or else a first `Title:` line."""
    line_title, body = split_title(text)
    if not body.strip():
        raise InputError(f"{source}: the posting is empty")
    return Posting(text=body.strip(), title=title or line_title, source=source)


def read_posting(path: str | Path, title: str | None = None) -> Posting:
    """Read one posting file; `title` overrides a `Title:` line in the file."""
    path = Path(path)
    source = str(path)
    if path.is_dir():
        raise InputError(f"{source}: is a directory, not a posting file")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{source}: no such file") from None
    except OSError as err:
        raise InputError(f"{source}: cannot be read ({err.strerror})") from None
    return posting_from_text(decode_posting(data, source), source=source, title=title)
