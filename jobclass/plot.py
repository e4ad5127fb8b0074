"""A PNG of an evaluation: the confusion matrix beside a reliability diagram (needs the `plot` extra)."""

from __future__ import annotations

from pathlib import Path

from jobclass.atomic import atomic_path
from jobclass.errors import JobclassError
from jobclass.evaluation import Evaluation
from jobclass.labels import LABELS


def plot_evaluation(evaluation: Evaluation, path: str | Path, heading: str) -> Path:
    """Draw the confusion matrix and the reliability diagram into one PNG at `path`."""
    path = Path(path)
    if path.suffix.lower() != ".png":
        raise JobclassError(f"{path}: the plot is written as PNG; give a path ending in .png")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise JobclassError("--plot needs matplotlib: pip install 'jobclass[plot]'") from None

    figure, (matrix_axes, reliability_axes) = plt.subplots(1, 2, figsize=(12, 5.2))
    figure.suptitle(heading)
    draw_confusion(matrix_axes, evaluation)
    draw_reliability(reliability_axes, evaluation)
    figure.tight_layout()
    with atomic_path(path) as temp:
        figure.savefig(temp, format="png", dpi=110)
    plt.close(figure)
    return path


def draw_confusion(axes, evaluation: Evaluation) -> None:
    confusion = evaluation.metrics.confusion
    peak = max(max(row) for row in confusion) or 1
    axes.imshow(confusion, cmap="Blues", vmin=0, vmax=peak)
    axes.set_xticks(range(len(LABELS)), LABELS, rotation=25, ha="right")
    axes.set_yticks(range(len(LABELS)), LABELS)
    axes.set_xlabel("predicted")
    axes.set_ylabel("true")
    for row, counts in enumerate(confusion):
        for column, count in enumerate(counts):
            colour = "white" if count > peak / 2 else "black"
            axes.text(column, row, str(count), ha="center", va="center", color=colour)
    metrics = evaluation.metrics
    axes.set_title(f"confusion matrix (macro-F1 {metrics.macro_f1:.3f}, accuracy {metrics.accuracy:.3f})")


def draw_reliability(axes, evaluation: Evaluation) -> None:
    bins = evaluation.reliability
    axes.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    axes.bar(
        [b.lower for b in bins],
        [b.accuracy for b in bins],
        width=[b.upper - b.lower for b in bins],
        align="edge",
        edgecolor="black",
        alpha=0.7,
        label="accuracy in bin",
    )
    confidences, accuracies = [b.confidence for b in bins], [b.accuracy for b in bins]
    axes.plot(confidences, accuracies, "o", color="black", label="bin: mean confidence, accuracy")
    for b in bins:
        axes.annotate(str(b.count), ((b.lower + b.upper) / 2, 0.02), ha="center", fontsize=8)
    if evaluation.review_threshold > 0:
        axes.axvline(evaluation.review_threshold, color="red", linewidth=1, label="review threshold")
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1)
    axes.set_xlabel("top probability (confidence)")
    axes.set_ylabel("accuracy")
    axes.set_title(f"reliability (ECE {evaluation.ece:.3f}; numbers: postings per bin)")
    axes.legend(loc="upper left", fontsize=8)
