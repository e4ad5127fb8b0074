"""Checkpoints of local batch runs, so that a run killed at any point continues with `--resume`.

`OUTPUT.checkpoint/` holds `state.json`, written once: the input's fingerprint (size, modification
time and a hash of its first and last MiB; for a folder, its listing) and the options that shape the
output. Each finished chunk becomes one part, `00000001.json`, ... (its output rows, error rows and
report index entries), written to a temporary file and renamed into place, so a part is complete or
absent. The runner assembles the outputs from the parts and removes the folder once they are in place.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from jobclass.errors import InputError
from jobclass.report import IndexEntry

FORMAT = 1
STATE = "state.json"
PART = re.compile(r"\d{8}\.json")
TEMPORARY = re.compile(r"\..+\.partial")
EDGE_BYTES = 1 << 20
START_AGAIN = "delete the checkpoint folder to start again"
# How each option that shapes the output is named to the user when it changed.
OPTION_NAMES = {
    "fields": "--fields",
    "text_col": "--text-col",
    "title_col": "--title-col",
    "id_col": "--id-col",
    "max_chars": "--max-chars",
    "keep_formulas": "--keep-formulas",
    "html_dir": "--html-dir",
    "chunk_rows": "--chunk-size",
    "model_sha256": "the model (its sha256)",
}


def checkpoint_path(output: str | Path) -> Path:
    return Path(f"{output}.checkpoint")


def input_fingerprint(path: str | Path) -> dict:
    """What identifies the input: for a file its size, modification time and a hash of its first and
    last MiB; for a folder the number, total size, latest time and a hash of its files' listing."""
    path = Path(path)
    if path.is_dir():
        listing = sorted(
            (entry.name, entry.stat().st_size, entry.stat().st_mtime_ns)
            for entry in os.scandir(path)
            if entry.is_file()
        )
        return {
            "path": str(path.resolve()),
            "files": len(listing),
            "size": sum(size for _, size, _ in listing),
            "mtime_ns": max((mtime for _, _, mtime in listing), default=0),
            "listing_sha256": hashlib.sha256(json.dumps(listing).encode()).hexdigest(),
        }
    stat = path.stat()
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        digest.update(handle.read(EDGE_BYTES))
        if stat.st_size > EDGE_BYTES:
            handle.seek(max(EDGE_BYTES, stat.st_size - EDGE_BYTES))
            digest.update(handle.read(EDGE_BYTES))
    return {
        "path": str(path.resolve()),
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "edges_sha256": digest.hexdigest(),
    }


def shown_value(key: str, value) -> str:
    if value is None:
        return "all" if key == "fields" else "none"
    if key == "mtime_ns":
        return datetime.fromtimestamp(value / 1e9).isoformat(sep=" ", timespec="seconds")
    if key in ("size", "files", "max_chars", "chunk_rows"):
        return f"{value:,}"
    if key == "fields":
        return ",".join(value)
    if key.endswith("sha256"):
        return value[:12]
    return str(value)


def input_changes(was: dict, now: dict) -> list[str]:
    if was.get("path") != now.get("path"):
        return [f"it is now {now.get('path')}, the checkpoint is of {was.get('path')}"]
    names = {"size": "size", "files": "files", "mtime_ns": "modified", "edges_sha256": "first/last MiB",
             "listing_sha256": "file listing"}  # fmt: skip
    return [
        f"{name} {shown_value(key, was.get(key))} -> {shown_value(key, now.get(key))}"
        for key, name in names.items()
        if was.get(key) != now.get(key)
    ]


def option_changes(was: dict, now: dict) -> list[str]:
    return [
        f"{name} was {shown_value(key, was.get(key))}, now {shown_value(key, now.get(key))}"
        for key, name in OPTION_NAMES.items()
        if was.get(key) != now.get(key)
    ]


@dataclass(frozen=True)
class Part:
    """One finished chunk as the checkpoint keeps it."""

    first_row: int
    read: int
    rows: list[dict]
    errors: list[dict]
    reports: list[IndexEntry]

    def to_dict(self) -> dict:
        return {
            "first_row": self.first_row,
            "read": self.read,
            "rows": self.rows,  # flat records: no deep copy needed (asdict's would cost 4x the dump)
            "errors": self.errors,
            "reports": [asdict(entry) for entry in self.reports],
        }

    @classmethod
    def from_dict(cls, data: dict) -> Part:
        reports = [IndexEntry(**entry) for entry in data["reports"]]
        return cls(data["first_row"], data["read"], data["rows"], data["errors"], reports)


def write_durably(path: Path, text: str) -> None:
    """Write `text` to a temporary file beside `path`, flush it to disk and rename it onto `path`."""
    temporary = path.with_name(f".{path.name}.partial")
    try:
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


class Checkpoint:
    """The checkpoint folder of one output."""

    def __init__(self, folder: Path):
        self.folder = folder

    def exists(self) -> bool:
        return (self.folder / STATE).is_file()

    def state(self) -> dict:
        try:
            state = json.loads((self.folder / STATE).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise InputError(f"{self.folder}: the checkpoint is damaged ({err}); {START_AGAIN}") from None
        if not isinstance(state, dict) or state.get("format") != FORMAT:
            raise InputError(f"{self.folder}: not a checkpoint this jobclass can resume; {START_AGAIN}")
        return state

    def create(self, fingerprint: dict, options: dict) -> None:
        """A new, empty checkpoint; the leftover of a creation or a removal that was cut short is cleared."""
        if self.folder.exists():
            self.clear_leftover()
        self.folder.mkdir()
        state = {"format": FORMAT, "input": fingerprint, "options": options}
        write_durably(self.folder / STATE, json.dumps(state, indent=2) + "\n")

    def clear_leftover(self) -> None:
        names = [path.name for path in self.folder.iterdir()] if self.folder.is_dir() else None
        if names is None or not all(PART.fullmatch(name) or TEMPORARY.fullmatch(name) for name in names):
            raise InputError(f"{self.folder}: exists and is not a jobclass checkpoint; move it away")
        shutil.rmtree(self.folder)

    def resume(self, fingerprint: dict, options: dict) -> int:
        """The number of finished parts, once the input and the options are those of the checkpoint;
        otherwise an InputError saying what changed."""
        state = self.state()
        changed = input_changes(state["input"], fingerprint)
        if changed:
            raise InputError(
                f"cannot resume from {self.folder}: the input changed ({'; '.join(changed)}); "
                f"restore it, or {START_AGAIN}"
            )
        changed = option_changes(state["options"], options)
        if changed:
            raise InputError(
                f"cannot resume from {self.folder}: {'; '.join(changed)}; rerun with the same options, "
                f"or {START_AGAIN}"
            )
        for path in self.folder.glob(".*.partial"):  # a part being written when the run was killed
            path.unlink(missing_ok=True)
        for _ in self.parts():  # a damaged part fails now, not after the rest of the run
            pass
        return self.finished()

    def finished(self) -> int:
        """How many parts are complete, counting from the first."""
        count = 0
        while self.part_path(count + 1).is_file():
            count += 1
        return count

    def part_path(self, number: int) -> Path:
        return self.folder / f"{number:08d}.json"

    def write(self, number: int, part: Part) -> None:
        write_durably(self.part_path(number), json.dumps(part.to_dict()))

    def parts(self) -> Iterator[Part]:
        """The finished parts in order, each checked to continue where the previous one ended."""
        next_row = 1
        for number in range(1, self.finished() + 1):
            try:
                part = Part.from_dict(json.loads(self.part_path(number).read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as err:
                raise InputError(
                    f"{self.part_path(number)}: unreadable ({err}); the checkpoint is damaged: {START_AGAIN}"
                ) from None
            if part.first_row != next_row:
                raise InputError(
                    f"{self.part_path(number)}: starts at row {part.first_row}, not {next_row}; the "
                    f"checkpoint is damaged: {START_AGAIN}"
                )
            next_row += part.read
            yield part

    def remove(self) -> None:
        """Delete the checkpoint: its state first, so that a removal cut short leaves nothing to resume."""
        (self.folder / STATE).unlink(missing_ok=True)
        shutil.rmtree(self.folder, ignore_errors=True)
