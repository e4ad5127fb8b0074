"""Batch speed and memory against the floor, measured in the same run (`make bench`).

usage: python bench/batch.py [--sizes 20000,200000] [--jobs 1,2] [--model PATH] [--no-cold]

Input: the bundled corpus and ../shared/realworld/dev.csv (when present) interleaved and repeated up to
each size, every row made unique by a reference line of its own (repeated texts would flatter any
cache, now or later). `jobclass batch` writes CSV with every output field (label,
probabilities, review, secondary, out of scope, skills by need, degree, years, title role, content
label, profile fits, framing).

The floor runs in this process on the same texts: a regex word tokenizer (re.findall) plus the model's
word TF-IDF transform and logistic-regression probabilities, one core. The ratio is batch seconds x jobs /
floor seconds: how many times the floor's work each core does.

Also: Dask on a local cluster of 1 and 2 workers at the smallest size, the peak resident memory of
the whole process tree (sampled every 0.2 s) and of its largest process, and the cold start of
`jobclass --help` and `jobclass predict one.txt` (median of 5 fresh processes).
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import psutil

from jobclass.classifier import ensure_default_model, load_model
from jobclass.home import corpus_path

DEV = Path(__file__).resolve().parents[2] / "shared" / "realworld" / "dev.csv"
EXAMPLE = Path(__file__).resolve().parents[1] / "examples"
TARGET_RATE, TARGET_RATIO, TARGET_RSS_MB = 1000, 3.0, 600
TARGET_PREDICT_S, TARGET_HELP_S = 1.5, 0.3
WORDS = re.compile(r"\w+|[^\w\s]")


def source_postings() -> pd.DataFrame:
    frames = [pd.read_csv(corpus_path(), dtype=str, keep_default_na=False)]
    if DEV.exists():
        frames.append(pd.read_csv(DEV, dtype=str, keep_default_na=False))
    frame = pd.concat([frame[["title", "description"]] for frame in frames], ignore_index=True)
    return frame.sample(frac=1.0, random_state=0).reset_index(drop=True)  # interleave the two sources


def build_input(source: pd.DataFrame, size: int, path: Path) -> pd.DataFrame:
    repeats = -(-size // len(source))
    frame = pd.concat([source] * repeats, ignore_index=True).head(size)
    ids = [f"r{i}" for i in range(size)]
    texts = [f"{text}\n\nReference {row_id}" for text, row_id in zip(frame["description"], ids, strict=True)]
    frame = frame.assign(id=ids, description=texts)[["id", "title", "description"]]
    frame.to_csv(path, index=False)
    return frame


def floor_seconds(texts: list[str], model_path: Path) -> float:
    """Regex tokenization + word TF-IDF + logistic-regression probabilities: the least any batch run
    that tokenizes and classifies has to do."""
    model = load_model(model_path).model
    pipeline = model.pipeline
    started = time.perf_counter()
    for text in texts:
        WORDS.findall(text)
    features = model.features(texts)
    pipeline.named_steps["classifier"].predict_proba(features)
    return time.perf_counter() - started


def timed_run(command: list[str]) -> tuple[float, float, float]:
    """Wall seconds, peak RSS of the process tree and of its largest process (MB), sampled every 0.2 s."""
    started = time.perf_counter()
    errors = tempfile.TemporaryFile()  # a file, not a pipe: a chatty run cannot fill it and stall
    process = psutil.Popen(command, stdout=subprocess.DEVNULL, stderr=errors)
    peak_total = peak_one = 0
    while process.poll() is None:
        try:
            members = [process, *process.children(recursive=True)]
            sizes = [member.memory_info().rss for member in members]
        except psutil.Error:
            sizes = []
        peak_total, peak_one = max(peak_total, sum(sizes)), max([peak_one, *sizes])
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        errors.seek(0)
        sys.exit(f"{' '.join(command)} failed: {errors.read().decode()[-2000:]}")
    return seconds, peak_total / 2**20, peak_one / 2**20


def jobclass_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "jobclass", *args]


def cold_start(model_path: Path) -> tuple[float, float]:
    """Median wall seconds of `jobclass --help` and of `jobclass predict` on one example, fresh processes."""
    example = sorted(EXAMPLE.glob("*.txt"))[0]
    runs = {"help": [], "predict": []}
    for _ in range(5):
        for name, args in (
            ("help", ["--help"]),
            ("predict", ["predict", str(example), "--model", str(model_path)]),
        ):
            script = Path(sys.executable).with_name("jobclass")
            command = [str(script), *args] if script.exists() else jobclass_command(*args)
            started = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            runs[name].append(time.perf_counter() - started)
    return statistics.median(runs["help"]), statistics.median(runs["predict"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20000,200000")
    parser.add_argument("--jobs", default="1,2")
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--no-cold", action="store_true", help="skip the cold-start timings")
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask runs (smallest size)")
    args = parser.parse_args()
    model_path = args.model or ensure_default_model()
    source = source_postings()
    print(f"{len(source):,} distinct postings (corpus + dev.csv), each row made unique")
    print(
        f"targets: >= {TARGET_RATE:,} postings/s with 2 jobs, per core <= {TARGET_RATIO:g}x the floor, "
        f"peak RSS <= {TARGET_RSS_MB} MB and flat"
    )
    print(
        f"{'rows':>8} {'jobs':>4} {'post/s':>8} {'floor/s':>8} {'x floor':>8} {'peak MB':>8} {'largest':>8}"
    )
    with tempfile.TemporaryDirectory() as folder:
        for size in (int(size) for size in args.sizes.split(",")):
            path = Path(folder) / f"postings-{size}.csv"
            frame = build_input(source, size, path)
            floor = floor_seconds(frame["description"].tolist(), model_path)
            del frame
            for jobs in (int(jobs) for jobs in args.jobs.split(",")):
                out = Path(folder) / f"labeled-{size}-{jobs}.csv"
                command = jobclass_command(
                    "batch",
                    str(path),
                    "-o",
                    str(out),
                    "--jobs",
                    str(jobs),
                    "--quiet",
                    "--model",
                    str(model_path),
                )
                seconds, peak, largest = timed_run(command)
                print(
                    f"{size:>8} {jobs:>4} {size / seconds:>8.0f} {size / floor:>8.0f} "
                    f"{seconds * jobs / floor:>8.2f} {peak:>8.0f} {largest:>8.0f}",
                    flush=True,
                )
                out.unlink()
            if not args.no_dask and size == min(int(size) for size in args.sizes.split(",")):
                rates = {}
                for workers in (1, 2):
                    out = Path(folder) / f"dask-{size}-{workers}.csv"
                    command = jobclass_command(
                        "batch", str(path), "-o", str(out), "--jobs", str(workers), "--quiet",
                        "--model", str(model_path), "--engine", "dask",
                    )  # fmt: skip
                    rates[workers] = size / timed_run(command)[0]
                print(f"{size:>8} dask: 1 worker {rates[1]:.0f}/s, 2 workers {rates[2]:.0f}/s, "
                      f"speed-up {rates[2] / rates[1]:.2f}x", flush=True)  # fmt: skip
    print("(post/s: the whole `jobclass batch` run, process start included; floor: one core)")
    if not args.no_cold:
        help_s, predict_s = cold_start(model_path)
        print(
            f"cold start: `jobclass --help` {help_s:.2f} s (target <= {TARGET_HELP_S}), "
            f"`jobclass predict one.txt` {predict_s:.2f} s (target <= {TARGET_PREDICT_S})"
        )


if __name__ == "__main__":
    main()
