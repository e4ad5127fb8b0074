"""What a batch run may write: never its input. Checked before anything is read.

An output, errors file, HTML folder or checkpoint is refused when it is an input file under any name
(another spelling, a symlink, a hard link: same device and inode), is an input folder or lies inside
one, or when a folder the run writes (and the checkpoint, which it later deletes) holds an input. An
output that is a symlink is written through to its target (`write_through`), so the link survives.
"""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass
from pathlib import Path

from jobclass.errors import InputError


@dataclass(frozen=True)
class Target:
    """A path the run writes: `what` names it for the user (`-o`, `--errors`, `--html-dir`, ...)."""

    what: str
    path: Path
    folder: bool = False  # a folder the run writes files into (and, for the checkpoint, deletes)


def input_paths(input_path: str | Path) -> list[Path]:
    """The files or folders a run reads: none for stdin, every match of a glob (the Dask engine)."""
    text = str(input_path)
    if text == "-":
        return []
    if glob.has_magic(text):
        return [Path(match) for match in sorted(glob.glob(text))]
    return [Path(text)]


def write_through(path: str | Path) -> Path:
    """The file a write to `path` should replace: the final target when `path` is a symlink."""
    return Path(os.path.realpath(path))


def real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def within(path: Path, folder: Path) -> bool:
    """Whether `path` is `folder` or lies below it, once both are resolved."""
    path, folder = real(path), real(folder)
    return path == folder or folder in path.parents


def same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)  # follows symlinks; same device and inode
    except OSError:  # one of them does not exist
        return False


def clash(target: Target, source: Path) -> str | None:
    """Why writing `target` would touch the input `source`, or None."""
    shown = f"{target.what} {target.path}"
    if source.is_dir():
        if real(target.path) == real(source):
            return f"{shown} is the input folder {source}; choose another"
        if within(target.path, source):
            return f"{shown} lies inside the input folder {source}; choose a path outside it"
    elif same_file(target.path, source):
        if os.path.abspath(target.path) == os.path.abspath(source):
            how = ""
        else:
            how = " (a symlink to it)" if real(target.path) == real(source) else " (a hard link to it)"
        return f"{shown} is the input file {source}{how}; choose another path"
    if target.folder and source.exists() and within(source, target.path):
        return f"{shown} holds the input {source}; choose a folder that does not"
    return None


def check_targets(input_path: str | Path, targets: list[Target]) -> None:
    """Refuse, with one line, any target that would overwrite or write into the input, and two targets
    that are the same file."""
    targets = [target for target in targets if str(target.path) != "-"]
    for source in input_paths(input_path):
        for target in targets:
            reason = clash(target, source)
            if reason:
                raise InputError(f"{reason} (jobclass never writes over its input)")
    files = [target for target in targets if not target.folder]
    for number, first in enumerate(files):
        for second in files[number + 1 :]:
            if real(first.path) == real(second.path) or same_file(first.path, second.path):
                raise InputError(
                    f"{first.what} and {second.what} are the same file ({second.path}); give them "
                    "different paths"
                )


def check_batch_targets(
    input_path: str | Path,
    output: str | Path,
    errors_path: str | Path,
    html_dir: str | Path | None = None,
    checkpoint: Path | None = None,
) -> None:
    """Refuse a batch run whose output, errors file, HTML folder or checkpoint would touch its input."""
    targets = [Target("-o", Path(output)), Target("--errors", Path(errors_path))]
    if html_dir is not None:
        targets.append(Target("--html-dir", Path(html_dir), folder=True))
    if checkpoint is not None and str(output) != "-":
        targets.append(Target("the checkpoint", checkpoint, folder=True))
    check_targets(input_path, targets)
