"""Training time against one plain fit, measured in the same run (`make bench`).

usage: python bench/training.py [--postings N] [--jobs 1,2]

Takes a stratified sample of the bundled corpus (default: all of it), runs `jobclass train` on it (5-fold
grouped CV, final fit, calibration, saving) with each --jobs, and times one fit of the same model on the
same rows in this process as the baseline. Prints seconds, postings/s and the ratio train time / one
fit. Target: the full corpus in at most 30 s on 2 cores.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

from jobclass.classifier import DEFAULT_DATA
from jobclass.corpus import load_labeled
from jobclass.model import fit_model

TARGET_SECONDS = 30.0


def sample(postings: int) -> pd.DataFrame:
    corpus = load_labeled(DEFAULT_DATA)
    if postings >= len(corpus):
        return corpus
    picked, _ = train_test_split(corpus, train_size=postings, stratify=corpus["label"], random_state=0)
    return picked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=1_000_000)
    parser.add_argument("--jobs", default="1,2")
    args = parser.parse_args()

    data = sample(args.postings)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "train.csv"
        data.to_csv(path, index=False)
        started = time.perf_counter()
        fit_model(data)
        baseline = time.perf_counter() - started
        print(
            f"{len(data)} postings; baseline: one fit of the default pipeline, this process: {baseline:.1f} s"
        )
        print(
            f"{'jobs':>4}  {'seconds':>7}  {'post/s':>6}  {'x one fit':>9}  target < {TARGET_SECONDS:.0f} s"
        )
        for jobs in [int(value) for value in args.jobs.split(",")]:
            command = [sys.executable, "-m", "jobclass", "train", "--data", str(path)]
            command += ["--model", str(Path(folder) / "m.joblib"), "--jobs", str(jobs)]
            started = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            seconds = time.perf_counter() - started
            verdict = "met" if seconds < TARGET_SECONDS else "NOT met"
            print(
                f"{jobs:>4}  {seconds:7.1f}  {len(data) / seconds:6.0f}  {seconds / baseline:9.1f}  {verdict}"
            )


if __name__ == "__main__":
    main()
