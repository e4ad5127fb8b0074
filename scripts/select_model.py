"""Model selection: compare candidate model configurations by 5-fold CV on our corpus, check each on dev.

usage: python scripts/select_model.py [--data CSV] [--dev CSV] [--out MARKDOWN]

The choice is made on CV content-only macro-F1 (with titles, every candidate is near 1.0 on our corpus);
the dev columns are a check on real postings, not the criterion. Writes a Markdown table.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from jobclass.calibration import fit_temperature, mean_log_loss
from jobclass.corpus import load_labeled
from jobclass.labels import LABELS
from jobclass.model import ModelConfig, decision_scores, fit_and_cross_validate, score
from jobclass.reading import read_text

ROOT = Path(__file__).resolve().parent.parent
# Dev is scored in chunks smaller than the reading cache, so the rule-based readings of a chunk are
# computed once and shared by every candidate.
DEV_CHUNK = 1000

CANDIDATES = [
    ModelConfig(C=10.0),
    ModelConfig(C=1.0),
    ModelConfig(C=100.0),
    ModelConfig(word_ngrams=(1, 1), C=10.0),
    ModelConfig(word_ngrams=(1, 3), C=10.0),
    ModelConfig(balanced=False, C=10.0),
    ModelConfig(profile_features=True, C=10.0),
    ModelConfig(skill_features=True, C=10.0),
    ModelConfig(char_ngrams=True, C=10.0),
    ModelConfig(classifier="linear_svm", C=0.3),
    ModelConfig(classifier="linear_svm", C=1.0),
    ModelConfig(classifier="sgd", C=10.0),
]


def eligible(config: ModelConfig) -> bool:
    """Only models trained for log loss: the shipped probabilities must be calibrated, and a linear SVM's
    margins are not probabilities to begin with."""
    return config.classifier != "linear_svm"


def dev_scores(pipelines, dev) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each pipeline's decision scores on dev, with titles and without."""
    results = [([], []) for _ in pipelines]
    for start in range(0, len(dev), DEV_CHUNK):
        chunk = dev.iloc[start : start + DEV_CHUNK]
        for pipeline, (titled, untitled) in zip(pipelines, results, strict=True):
            titled.append(decision_scores(pipeline, chunk))
            untitled.append(decision_scores(pipeline, chunk.assign(title="")))
    return [(np.vstack(titled), np.vstack(untitled)) for titled, untitled in results]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=ROOT / "data" / "labeled_postings.csv", type=Path)
    parser.add_argument("--dev", default=ROOT.parent / "shared" / "realworld" / "dev.csv", type=Path)
    parser.add_argument("--out", default=ROOT / "docs" / "model_selection.md", type=Path)
    args = parser.parse_args()

    corpus, dev = load_labeled(args.data), load_labeled(args.dev)
    started = time.perf_counter()
    for text in corpus["description"]:
        read_text(text)
    reading_seconds = time.perf_counter() - started
    rows, pipelines = [], []
    for config in CANDIDATES:
        started = time.perf_counter()
        pipeline, cv = fit_and_cross_validate(corpus, config)
        pipelines.append(pipeline)
        seconds = time.perf_counter() - started
        untitled_loss = mean_log_loss(
            cv.untitled_scores, cv.true_index, fit_temperature(cv.untitled_scores, cv.true_index)
        )
        rows.append([config, cv.with_title.macro_f1, cv.without_title.macro_f1, untitled_loss, seconds])
        cv_figures = f"{cv.with_title.macro_f1:.3f} / {cv.without_title.macro_f1:.3f}"
        print(f"{config.describe()}: CV {cv_figures}, {seconds:.0f} s", flush=True)

    truth, labels = dev["label"].to_numpy(), np.array(LABELS)
    for row, (titled, untitled) in zip(rows, dev_scores(pipelines, dev), strict=True):
        row += [
            score(truth, labels[titled.argmax(1)]).macro_f1,
            score(truth, labels[untitled.argmax(1)]).macro_f1,
        ]

    best = max((row for row in rows if eligible(row[0])), key=lambda row: (round(row[2], 2), -row[3]))
    lines = [
        "# Model selection",
        "",
        f"Corpus: {args.data.name}, {len(corpus)} postings; 5-fold stratified CV (seed 0). Dev: "
        f"{args.dev.name}, {len(dev)} real postings (a check, not the criterion). Macro-F1 throughout; "
        "'fit s' is the CV plus the final fit in one process, with the rule-based readings of the corpus "
        f"(profile fits, skills) computed beforehand: {reading_seconds:.0f} s once.",
        "",
        "| candidate | CV with title | CV content only | CV content-only log loss | dev with title | "
        "dev content only | fit s |",
        "|---|---|---|---|---|---|---|",
    ]
    for config, cv_titled, cv_untitled, loss, seconds, dev_titled, dev_untitled in rows:
        mark = " **(chosen)**" if config == best[0] else "" if eligible(config) else " (not eligible)"
        lines.append(
            f"| {config.describe()}{mark} | {cv_titled:.3f} | {cv_untitled:.3f} | {loss:.4f} | "
            f"{dev_titled:.3f} | {dev_untitled:.3f} | {seconds:.0f} |"
        )
    lines += [
        "",
        "Chosen among the models trained for log loss (logistic regression, SGD with log loss; linear SVMs "
        "are listed for comparison only, their margins are not probabilities): the highest CV content-only "
        "macro-F1 to 2 places (on our corpus every candidate is near 1.0, so finer differences are noise), "
        "then the lowest CV content-only log loss after temperature scaling (a proper score that still "
        "separates candidates when accuracy saturates). The rule does not read the dev columns, but its "
        "restriction to log-loss models was added after a first run in which it chose the linear SVM with "
        "C=1, which falls to 0.900 on dev with titles: the choice is not independent of dev.",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
