"""How the profiles, the title parser and the framing verdict behave on real postings.

usage: python bench/profiles_dev.py [--data CSV] [--set std] [--model PATH]

On a CSV labeled by the work (default ../shared/realworld/dev_content_gold.csv, its `std` set): the
title parser's agreement with the labels, the best-fitting profile alone as a content-only classifier
(per-class table), the distribution of framing verdicts per label, and the framing agreement: a title
naming the posting's role must be called consistent, any other title mismatch or leans toward the
labeled role. Also the time per posting of the posting pipeline (tokenizer, skills, profile phrases,
fits) against spaCy's blank tokenizer alone, measured in the same run.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

import spacy

from jobclass.analysis import analyse
from jobclass.classifier import load_model
from jobclass.corpus import load_labeled
from jobclass.labels import LABELS
from jobclass.model import score
from jobclass.reader import read_text
from jobclass.render import metrics_text
from jobclass.text import Posting

GOLD = Path(__file__).resolve().parents[2] / "shared" / "realworld" / "dev_content_gold.csv"


def framing_agrees(analysis, label: str) -> bool:
    """Whether the verdict is right about a posting whose work is `label`."""
    framing = analysis.framing
    if analysis.title.role == label:
        return framing.verdict == "consistent"
    return framing.verdict != "consistent" and framing.role == label


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=GOLD)
    parser.add_argument("--set", default="std", help="Rows of this `set` only (none: all rows).")
    parser.add_argument("--model", type=Path, default=None)
    args = parser.parse_args()
    frame = load_labeled(args.data)
    if "set" in frame and args.set != "none":
        frame = frame[frame["set"] == args.set].reset_index(drop=True)
    texts = frame["description"].tolist()

    blank = spacy.blank("en")
    started = time.perf_counter()
    for _ in blank.pipe(texts, batch_size=256):
        pass
    tokenizer_ms = (time.perf_counter() - started) / len(texts) * 1000
    started = time.perf_counter()
    readings = [read_text(text) for text in texts]
    reading_ms = (time.perf_counter() - started) / len(texts) * 1000
    print(f"{args.data} ({len(frame)} postings)")
    print(
        f"time per posting: posting pipeline + fits {reading_ms:.1f} ms; blank spaCy tokenizer "
        f"{tokenizer_ms:.1f} ms; ratio {reading_ms / tokenizer_ms:.1f}x"
    )

    best = [max(reading.fits, key=lambda fit: fit.score).role for reading in readings]
    print("\nbest-fitting profile alone (content only):")
    print(metrics_text(score(frame["label"].to_numpy(), best)))

    postings = [Posting(text, title) for text, title in zip(texts, frame["title"].tolist(), strict=True)]
    analyses = analyse(postings, load_model(args.model))
    agree = sum(a.title.role == label for a, label in zip(analyses, frame["label"], strict=True))
    print(f"\ntitle parser agrees with the label: {agree}/{len(frame)} ({agree / len(frame):.3f})")
    print("\nframing verdicts per label (title role = label):")
    for label in LABELS:
        verdicts = Counter(
            a.framing.label for a, true in zip(analyses, frame["label"], strict=True) if true == label
        )
        total = sum(verdicts.values())
        shown = ", ".join(f"{verdict} {n}" for verdict, n in verdicts.most_common())
        print(f"  {label:<15} n={total:<5} {shown}")
    agreed = sum(framing_agrees(a, label) for a, label in zip(analyses, frame["label"], strict=True))
    print(f"\nframing agreement with the labels: {agreed}/{len(frame)} ({agreed / len(frame):.3f})")


if __name__ == "__main__":
    main()
