"""Atomic file output: write to a temporary file beside the target, rename it onto the target when done."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from jobclass.errors import InputError


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside `target`; moved onto it (with the usual file mode) only when the block
    completes, removed when it raises, so `target` is never a half-written file."""
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    try:
        os.chmod(temp, 0o666 & ~current_umask())  # mkstemp creates 0600
        os.replace(temp, target)
    except OSError as err:
        temp.unlink(missing_ok=True)
        raise InputError(f"{target}: cannot be written ({err.strerror or err})") from None
