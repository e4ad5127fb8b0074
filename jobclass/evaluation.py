"""The figures of a labeled evaluation: per-class metrics, calibration error, top-2, the review band's
split and the out-of-scope flag's precision and recall."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jobclass.calibration import ReliabilityBin, expected_calibration_error, reliability_bins
from jobclass.labels import LABELS
from jobclass.model import Metrics, score


@dataclass(frozen=True)
class ScopeFigures:
    """How the out-of-scope flag did against postings marked out of scope."""

    marked: int
    flagged: int
    precision: float | None
    recall: float | None

    def to_dict(self) -> dict:
        return {
            "marked": self.marked,
            "flagged": self.flagged,
            "precision": rounded(self.precision),
            "recall": rounded(self.recall),
        }


@dataclass(frozen=True)
class Evaluation:
    """Metrics on labeled data, the expected calibration error with its reliability bins, how the
    review band split the predictions (accuracy of the flagged and the unflagged ones), how often the
    true label was among the top two, and the out-of-scope flag's precision and recall."""

    metrics: Metrics
    ece: float
    reliability: tuple[ReliabilityBin, ...]
    review_threshold: float
    flagged: int
    flagged_accuracy: float | None
    unflagged_accuracy: float | None
    top2: float = 0.0
    scope: ScopeFigures | None = None

    def to_dict(self) -> dict:
        return {
            **self.metrics.to_dict(),
            "ece": round(self.ece, 4),
            "top2": round(self.top2, 4),
            "reliability": [b.to_dict() for b in self.reliability],
            "review": {
                "threshold": self.review_threshold,
                "flagged": self.flagged,
                "flagged_accuracy": rounded(self.flagged_accuracy),
                "unflagged_accuracy": rounded(self.unflagged_accuracy),
            },
            "out_of_scope": self.scope.to_dict() if self.scope else None,
        }


def rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def share(mask: np.ndarray, of: np.ndarray) -> float | None:
    """The share of `of` rows that are also `mask` rows (None when there are no `of` rows)."""
    return float(mask[of].mean()) if of.any() else None


def evaluation_of(
    truth: np.ndarray,
    probabilities: np.ndarray,
    flagged_out: np.ndarray,
    marked_out: np.ndarray,
    review_threshold: float,
) -> Evaluation:
    """The figures of one set of predictions (probabilities in LABELS order) against the true labels and
    out-of-scope marks."""
    predicted = np.array(LABELS)[probabilities.argmax(axis=1)]
    confidence = probabilities.max(axis=1)
    correct = predicted == truth
    flagged = confidence < review_threshold
    top_two = np.argsort(-probabilities, axis=1)[:, :2]
    truth_index = np.array([LABELS.index(label) for label in truth])
    return Evaluation(
        metrics=score(truth, predicted),
        ece=expected_calibration_error(confidence, correct),
        reliability=tuple(reliability_bins(confidence, correct)),
        review_threshold=review_threshold,
        flagged=int(flagged.sum()),
        flagged_accuracy=share(correct, flagged),
        unflagged_accuracy=share(correct, ~flagged),
        top2=float((top_two == truth_index[:, None]).any(axis=1).mean()),
        scope=ScopeFigures(
            int(marked_out.sum()),
            int(flagged_out.sum()),
            share(marked_out, flagged_out),
            share(flagged_out, marked_out),
        ),
    )
