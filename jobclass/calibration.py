"""Calibrated probabilities: temperature scaling, expected calibration error, and the review threshold.

The classifier's raw scores are turned into probabilities by a softmax at a temperature fitted on
out-of-fold CV scores, one temperature for postings with a title and one for content alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax

ECE_BINS = 10
# Predictions at or above the review threshold were right this often in CV; the rest are flagged for review.
REVIEW_TARGET_ACCURACY = 0.95
THRESHOLD_GRID = np.round(np.arange(0.30, 1.0, 0.01), 2)


def softmax(scores: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Row-wise softmax of decision scores divided by `temperature`."""
    return np.exp(log_softmax(np.asarray(scores, dtype=float) / temperature, axis=1))


def mean_log_loss(scores: np.ndarray, true_index: np.ndarray, temperature: float = 1.0) -> float:
    """Mean negative log probability of the true labels under softmax(scores / temperature)."""
    scores = np.asarray(scores, dtype=float)
    log_probabilities = log_softmax(scores / temperature, axis=1)
    return float(-log_probabilities[np.arange(len(scores)), true_index].mean())


def fit_temperature(scores: np.ndarray, true_index: np.ndarray) -> float:
    """The temperature (between 0.01 and 100) that minimises the log loss of softmax(scores / T)."""
    result = minimize_scalar(
        lambda log_temperature: mean_log_loss(scores, true_index, np.exp(log_temperature)),
        bounds=(np.log(0.01), np.log(100.0)),
        method="bounded",
    )
    return float(np.exp(result.x))


@dataclass(frozen=True)
class ReliabilityBin:
    """Predictions whose top probability fell in [lower, upper): how confident and how right they were."""

    lower: float
    upper: float
    count: int
    confidence: float
    accuracy: float

    def to_dict(self) -> dict:
        return {
            "lower": self.lower,
            "upper": self.upper,
            "count": self.count,
            "confidence": round(self.confidence, 4),
            "accuracy": round(self.accuracy, 4),
        }


def reliability_bins(confidence, correct, bins: int = ECE_BINS) -> list[ReliabilityBin]:
    """Equal-width bins over [0, 1] with the mean confidence and accuracy of each (empty ones left out)."""
    confidence = np.asarray(confidence, dtype=float)
    correct = np.asarray(correct, dtype=bool)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1], right=False), 0, bins - 1)
    result = []
    for index in range(bins):
        members = which == index
        if members.any():
            result.append(
                ReliabilityBin(
                    lower=round(float(edges[index]), 4),
                    upper=round(float(edges[index + 1]), 4),
                    count=int(members.sum()),
                    confidence=float(confidence[members].mean()),
                    accuracy=float(correct[members].mean()),
                )
            )
    return result


def expected_calibration_error(confidence, correct, bins: int = ECE_BINS) -> float:
    """Top-label ECE: the count-weighted mean gap between confidence and accuracy over the bins."""
    total = len(confidence)
    if total == 0:
        return 0.0
    gaps = (b.count * abs(b.confidence - b.accuracy) for b in reliability_bins(confidence, correct, bins))
    return float(sum(gaps) / total)


def review_threshold(confidence, correct, target_accuracy: float = REVIEW_TARGET_ACCURACY) -> float:
    """The lowest threshold at which predictions at or above it reach `target_accuracy`.

    Predictions under it are the doubtful ones. When no threshold on the grid reaches the target,
    the highest grid value is returned, so most predictions are flagged rather than none.
    """
    confidence = np.asarray(confidence, dtype=float)
    correct = np.asarray(correct, dtype=bool)
    for threshold in THRESHOLD_GRID:
        accepted = confidence >= threshold
        if accepted.any() and correct[accepted].mean() >= target_accuracy:
            return float(threshold)
    return float(THRESHOLD_GRID[-1])


@dataclass(frozen=True)
class Calibration:
    """Temperatures for titled and title-less postings, and the review threshold, as fitted on CV."""

    titled_temperature: float = 1.0
    untitled_temperature: float = 1.0
    review_threshold: float = 0.0
    target_accuracy: float = REVIEW_TARGET_ACCURACY

    def temperature(self, has_title: bool) -> float:
        return self.titled_temperature if has_title else self.untitled_temperature

    def to_dict(self) -> dict:
        return {
            "method": "temperature",
            "titled_temperature": round(self.titled_temperature, 6),
            "untitled_temperature": round(self.untitled_temperature, 6),
            "review_threshold": self.review_threshold,
            "review_target_accuracy": self.target_accuracy,
        }

    @classmethod
    def from_dict(cls, data: dict | None) -> Calibration:
        """From a manifest's `calibration` entry; a model trained without CV has none (no review band)."""
        if not data:
            return cls()
        return cls(
            titled_temperature=float(data["titled_temperature"]),
            untitled_temperature=float(data["untitled_temperature"]),
            review_threshold=float(data["review_threshold"]),
            target_accuracy=float(data["review_target_accuracy"]),
        )


def calibrate(
    titled_scores, untitled_scores, true_index, target_accuracy: float = REVIEW_TARGET_ACCURACY
) -> Calibration:
    """Fit both temperatures on out-of-fold scores and choose the review threshold on the content-only
    ones (the harder case: a threshold that makes those reliable also covers titled postings)."""
    titled_temperature = fit_temperature(titled_scores, true_index)
    untitled_temperature = fit_temperature(untitled_scores, true_index)
    probabilities = softmax(untitled_scores, untitled_temperature)
    correct = probabilities.argmax(axis=1) == np.asarray(true_index)
    return Calibration(
        titled_temperature=titled_temperature,
        untitled_temperature=untitled_temperature,
        review_threshold=review_threshold(probabilities.max(axis=1), correct, target_accuracy),
        target_accuracy=target_accuracy,
    )
