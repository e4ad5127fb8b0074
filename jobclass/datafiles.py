"""Reading the rule files (skills taxonomy, role profiles) with errors of the caller's kind, and the
fingerprint of any data file."""

from __future__ import annotations

import hashlib
from pathlib import Path

from jobclass.errors import JobclassError


def read_rule_file(path: Path, error: type[JobclassError], kind: str) -> str:
    """The file's UTF-8 text; a missing, unreadable or empty file raises `error` naming the path."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{path}: no such {kind} file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise error(f"{path}: cannot be read as UTF-8 text ({type(err).__name__})") from None
    if not text.strip():
        raise error(f"{path}: the {kind} file is empty")
    return text


def file_sha256(path: str | Path) -> str:
    """Hex sha256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
