"""Checkpoints on a large batch (`make bench`): memory over the run, what the checkpoint costs, and how
long a resume takes after a kill at 50%.

usage: python bench/resume.py [--rows 1000000] [--jobs 2] [--model PATH] [--folder DIR]

Writes a CSV of --rows unique postings (the bundled corpus repeated, each text made unique by a
reference line), then runs `jobclass batch` on it, each time in a fresh process:
1. into stdout (redirected to a file): no checkpoint, the baseline time;
2. into a file, with its checkpoint: the time, and the RSS of the process and its workers sampled every
   second, reported per tenth of the run;
3. into a file, killed (SIGKILL) once half of its chunks are in the checkpoint, then the same command
   with --resume: the resume's time against run 2's.
The three outputs must be byte-identical. The checkpoint's cost is measured twice: run 2 against run 1
(wall clock and CPU time of the process tree; both noisy on a shared machine), and directly: writing run
3's parts again as the run does, assembling outputs from them and removing them, scaled to the run.
"""

from __future__ import annotations

import argparse
import csv
import filecmp
import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd
import psutil

from jobclass.batch.checkpoint import Checkpoint
from jobclass.batch.runner import CHUNK_ROWS, FIELDS, batch_outputs
from jobclass.classifier import DEFAULT_DATA, ensure_default_model

TARGET_OVERHEAD = 0.05


def write_input(rows: int, path: Path) -> None:
    """`rows` postings from the corpus, in turn, each with a unique last line (streamed, any size)."""
    corpus = pd.read_csv(DEFAULT_DATA, dtype=str, keep_default_na=False)
    postings = list(zip(corpus["title"], corpus["description"], strict=True))
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "title", "description"])
        for number in range(rows):
            title, text = postings[number % len(postings)]
            writer.writerow([f"r{number}", title, f"{text}\n\nReference r{number}"])


class RssSampler(threading.Thread):
    """Samples the RSS (MB) of a process and its children every second, with the checkpoint's progress."""

    def __init__(self, pid: int, checkpoint: Path | None, chunks: int):
        super().__init__(daemon=True)
        self.process, self.checkpoint, self.chunks = psutil.Process(pid), checkpoint, chunks
        self.samples: list[tuple[float, float, float]] = []  # (progress 0-1, largest process, all)
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(1.0):
            try:
                tree = [self.process, *self.process.children(recursive=True)]
                sizes = [member.memory_info().rss / 2**20 for member in tree]
            except psutil.Error:
                continue
            parts = (
                len(list(self.checkpoint.glob("0*.json")))
                if self.checkpoint and self.checkpoint.exists()
                else 0
            )
            self.samples.append((parts / self.chunks, max(sizes), sum(sizes)))


def batch_command(source: Path, output: str, jobs: int, model: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "jobclass", "batch", str(source), "-o", output, "--jobs", str(jobs),
            "--quiet", "--model", str(model), *extra]  # fmt: skip


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], stdout=None, sampler_for: tuple[Path, int] | None = None):
    """Wall seconds and CPU seconds (the process and its workers) of one run, and its RSS sampler when
    asked. CPU time is the fairer comparison on a machine shared with other work."""
    started, cpu = time.perf_counter(), children_cpu()
    process = subprocess.Popen(command, stdout=stdout or subprocess.DEVNULL, stderr=subprocess.PIPE)
    sampler = None
    if sampler_for:
        sampler = RssSampler(process.pid, *sampler_for)
        sampler.start()
    _, stderr = process.communicate()
    if sampler:
        sampler.done.set()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {stderr.decode()}")
    return time.perf_counter() - started, children_cpu() - cpu, sampler


def killed_at_half(command: list[str], checkpoint: Path, chunks: int) -> float:
    """Start a run, SIGKILL it once half of its chunks are in the checkpoint; seconds it ran."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    while not checkpoint.exists() or len(list(checkpoint.glob("0*.json"))) < chunks // 2:
        if process.poll() is not None:
            raise SystemExit("the run ended before half of it was done")
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    return time.perf_counter() - started


def checkpoint_seconds(checkpoint: Path, folder: Path) -> tuple[float, float, float, int]:
    """Seconds to write a checkpoint's parts again as a run does (each flushed to disk), to assemble the
    outputs from them, and to remove them; and how many parts there are."""
    source, copy = Checkpoint(checkpoint), Checkpoint(folder / "scratch.checkpoint")
    copy.create({}, {})
    writing, count = 0.0, 0
    for count, part in enumerate(source.parts(), 1):
        started = time.perf_counter()
        copy.write(count, part)
        writing += time.perf_counter() - started
    started = time.perf_counter()
    with batch_outputs(folder / "scratch.jsonl", folder / "scratch.errors.jsonl", FIELDS) as outputs:
        for part in copy.parts():
            outputs.write(part.read, part.rows, part.errors)
    assembling = time.perf_counter() - started
    started = time.perf_counter()
    copy.remove()
    return writing, assembling, time.perf_counter() - started, count


def memory_table(samples: list[tuple[float, float, float]]) -> str:
    lines = ["progress  largest process MB  all processes MB (peak in each tenth of the run)"]
    for tenth in range(10):
        inside = [s for s in samples if tenth / 10 <= s[0] < (tenth + 1) / 10 or (tenth == 9 and s[0] >= 1)]
        if inside:
            largest, total = max(s[1] for s in inside), max(s[2] for s in inside)
            lines.append(f"{tenth * 10:>3}-{tenth * 10 + 10:<3}%  {largest:>18.0f}  {total:>16.0f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--folder", type=Path, default=None, help="Where the files go (default: a temp dir).")
    args = parser.parse_args()
    model = args.model or ensure_default_model()
    chunks = -(-args.rows // CHUNK_ROWS)
    if chunks < 8:
        parser.error(f"--rows {args.rows:,} is under 8 chunks; use at least {8 * CHUNK_ROWS:,}")
    with tempfile.TemporaryDirectory(dir=args.folder) as folder:
        folder = Path(folder)
        source = folder / "postings.csv"
        started = time.perf_counter()
        write_input(args.rows, source)
        size = source.stat().st_size / 2**20
        print(
            f"{args.rows:,} rows ({size:,.0f} MB of CSV, {chunks:,} chunks of {CHUNK_ROWS}), --jobs "
            f"{args.jobs}; input written in {time.perf_counter() - started:.0f} s",
            flush=True,
        )

        with open(folder / "direct.jsonl", "wb") as handle:
            errors = ("--errors", str(folder / "direct.errors.jsonl"))  # not jobclass.errors.jsonl here
            command = batch_command(source, "-", args.jobs, model, *errors)
            direct, direct_cpu, _ = timed(command, stdout=handle)
        print(
            f"1. no checkpoint (to stdout): {direct:.1f} s, {args.rows / direct:.0f} rows/s, "
            f"CPU {direct_cpu:.1f} s",
            flush=True,
        )

        output = folder / "checkpointed.jsonl"
        checkpointed, checkpointed_cpu, sampler = timed(
            batch_command(source, str(output), args.jobs, model),
            sampler_for=(Path(f"{output}.checkpoint"), chunks),
        )
        print(
            f"2. with its checkpoint: {checkpointed:.1f} s, {args.rows / checkpointed:.0f} rows/s, CPU "
            f"{checkpointed_cpu:.1f} s; against run 1: wall {checkpointed / direct - 1:+.1%}, CPU "
            f"{checkpointed_cpu / direct_cpu - 1:+.1%} (target <= +{TARGET_OVERHEAD:.0%})"
        )
        print(memory_table(sampler.samples), flush=True)

        resumed_output = folder / "resumed.jsonl"
        checkpoint = Path(f"{resumed_output}.checkpoint")
        command = batch_command(source, str(resumed_output), args.jobs, model)
        ran = killed_at_half(command, checkpoint, chunks)
        writing, assembling, removing, parts = checkpoint_seconds(checkpoint, folder)
        resume, resume_cpu, _ = timed([*command, "--resume"])
        print(
            f"3. killed after {ran:.1f} s with {parts:,} of {chunks:,} chunks done; --resume: "
            f"{resume:.1f} s, {resume / checkpointed:.0%} of run 2; CPU {resume_cpu:.1f} s, "
            f"{resume_cpu / checkpointed_cpu:.0%} of run 2's (target: about 50%)"
        )
        scale = chunks / parts  # from the half to the whole run
        cost = (writing + assembling + removing) * scale
        print(
            f"checkpoint work for the whole run (run 3's {parts:,} parts x {scale:.2f}): writing the parts "
            f"{writing * scale:.1f} s, assembling the outputs {assembling * scale:.1f} s, removing them "
            f"{removing * scale:.1f} s; {cost:.1f} s = {cost / checkpointed:.1%} of run 2 "
            f"(target <= {TARGET_OVERHEAD:.0%})"
        )
        direct_output = folder / "direct.jsonl"
        identical = all(
            filecmp.cmp(direct_output, other, shallow=False) for other in (output, resumed_output)
        )
        left = sorted(path.name for path in folder.glob("*.checkpoint"))
        print(f"outputs of runs 1, 2 and 3 byte-identical: {identical}; checkpoints left: {left or 'none'}")


if __name__ == "__main__":
    main()
