"""Batch throughput and memory against the floor, measured in the same run (`make bench`).

usage: python bench/batch.py [--sizes 20000,200000] [--jobs 1,2] [--model PATH]

Builds CSV inputs of each size by repeating the bundled corpus (and ../shared/realworld/dev.csv when
present), each text made unique by a reference line, runs `jobclass batch` on them with each --jobs,
and times the floor on the same texts in this process: spaCy blank tokenization + the model's TF-IDF
vectorizers + decision scores. Prints postings/s, peak RSS (the largest single process) and the ratio
batch time / floor time.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
import spacy

from jobclass.classifier import DEFAULT_DATA, ensure_default_model, load_model
from jobclass.model import as_model_input

DEV = Path(__file__).resolve().parents[2] / "shared" / "realworld" / "dev.csv"
TARGET_RATE, TARGET_RATIO, TARGET_RSS_MB = 1500, 2.0, 600


def build_input(source: pd.DataFrame, size: int, path: Path) -> pd.DataFrame:
    repeats = -(-size // len(source))
    frame = pd.concat([source] * repeats, ignore_index=True).head(size)
    ids = [f"r{i}" for i in range(size)]
    # A unique last line per row, so that repeated postings cannot be served from jobclass's cache.
    texts = [f"{text}\n\nReference {row_id}" for text, row_id in zip(frame["description"], ids, strict=True)]
    frame = frame.assign(id=ids, description=texts)[["id", "title", "description"]]
    frame.to_csv(path, index=False)
    return frame


def floor_seconds(frame: pd.DataFrame, model_path: Path) -> float:
    """Blank tokenizer + TF-IDF blocks + decision scores: the least any batch run has to do."""
    model = load_model(model_path)
    features = model.pipeline.named_steps["features"]
    classifier = model.pipeline.named_steps["classifier"]
    nlp = spacy.blank("en")
    started = time.perf_counter()
    for _ in nlp.pipe(frame["description"], batch_size=256):
        pass
    data = as_model_input(frame["title"].tolist(), frame["description"].tolist())
    blocks = []
    for name, transformer, column in features.transformers_:
        if name == "profile_fits":
            blocks.append(sp.csr_matrix(np.zeros((len(frame), 4))))
        elif transformer != "drop":
            blocks.append(transformer.transform(data[column]))
    classifier.decision_function(sp.hstack(blocks).tocsr())
    return time.perf_counter() - started


def run_batch(path: Path, jobs: int, model_path: Path, engine: str = "local") -> tuple[float, float]:
    """Seconds and peak RSS (MB, largest process) of one `jobclass batch` run in a fresh process."""
    probe = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        f"subprocess.run([sys.executable, '-m', 'jobclass', 'batch', {str(path)!r}, '-o', "
        f"{str(path.with_suffix('.out.parquet'))!r}, '--jobs', '{jobs}', '--quiet', '--model', "
        f"{str(model_path)!r}, '--engine', {engine!r}], check=True)\n"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    seconds, rss_kb = out.split()
    return float(seconds), int(rss_kb) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20000,200000")
    parser.add_argument("--jobs", default="1,2")
    parser.add_argument("--model", type=Path, default=None)
    args = parser.parse_args()
    model_path = args.model or ensure_default_model()
    sources = {"corpus": pd.read_csv(DEFAULT_DATA, dtype=str, keep_default_na=False)}
    if DEV.exists():
        sources["dev.csv"] = pd.read_csv(DEV, dtype=str, keep_default_na=False)
    print(f"targets: >= {TARGET_RATE} postings/s on 2 cores, batch/floor <= {TARGET_RATIO}, "
          f"peak RSS <= {TARGET_RSS_MB} MB and flat")  # fmt: skip
    print(f"{'source':<8} {'rows':>7} {'jobs':>4} {'post/s':>8} {'floor/s':>8} {'ratio':>6} {'peak MB':>8}")
    with tempfile.TemporaryDirectory() as folder:
        for name, source in sources.items():
            for size in (int(size) for size in args.sizes.split(",")):
                path = Path(folder) / f"{name}-{size}.csv"
                frame = build_input(source, size, path)
                floor = floor_seconds(frame, model_path)
                for jobs in (int(jobs) for jobs in args.jobs.split(",")):
                    seconds, rss = run_batch(path, jobs, model_path)
                    print(
                        f"{name:<8} {size:>7} {jobs:>4} {size / seconds:>8.0f} {size / floor:>8.0f} "
                        f"{seconds / floor:>6.1f} {rss:>8.0f}",
                        flush=True,
                    )
            largest = Path(folder) / f"{name}-{max(int(size) for size in args.sizes.split(','))}.csv"
            rows = len(pd.read_csv(largest, usecols=["id"]))
            one, _ = run_batch(largest, 1, model_path, "dask")
            two, _ = run_batch(largest, 2, model_path, "dask")
            print(
                f"{name:<8} {rows:>7} dask: 1 worker {rows / one:.0f}/s, 2 workers {rows / two:.0f}/s, "
                f"speed-up {one / two:.2f}x (target >= 1.6x)",
                flush=True,
            )
    print("(floor: one process; ratio = batch seconds / floor seconds on the same texts)")


if __name__ == "__main__":
    main()
