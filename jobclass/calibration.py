"""Calibrated probabilities: temperature scaling, evidence shrinkage, expected calibration error, and
the review and out-of-scope thresholds.

The classifier's raw scores of the text are turned into probabilities by a softmax at a temperature,
pulled toward uniform where a posting holds few terms the model knows; a title that names a role then
weighs in by Bayes' rule at the title weight. All of it is fitted on postings the model never saw,
written to be as hard as real ones (`data/calibration_postings.csv`), not on cross-validation over the
training corpus: that corpus is separable, and CV on it would make every probability near 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def minimize_scalar(*args, **kwargs):
    """scipy.optimize.minimize_scalar, imported on first use: only fitting needs it, and scipy.optimize
    takes a third of a second to import."""
    from scipy.optimize import minimize_scalar as scipy_minimize_scalar

    return scipy_minimize_scalar(*args, **kwargs)


def log_softmax(scores: np.ndarray, axis: int = 1) -> np.ndarray:
    """log(softmax(scores)) along `axis`, computed stably (scipy.special's, without importing scipy)."""
    shifted = scores - scores.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


ECE_BINS = 10
# Predictions at or above the review threshold were right this often in CV; the rest are flagged for review.
REVIEW_TARGET_ACCURACY = 0.95
# The review threshold is never lower than this. The calibration postings are read right more often than
# real ones (97% against 83%), so the threshold fitted on them alone (0.30) flags nothing on real text;
# on the real postings labeled by their work (dev gold) predictions at or above 0.75 were 95% right.
# Chosen on that dev gold: see docs/model_selection.md.
REVIEW_MIN_THRESHOLD = 0.75
# The title weight is never lower than this, for the same reason: content that is read right 97% of the
# time leaves a title nothing to add (the weight fitted on the calibration postings is about 1), but real
# postings are read right 83% of the time, and there a title naming a role made the titled reading right
# more often and its probabilities truer at a weight of 3 (dev gold, docs/model_selection.md).
TITLE_MIN_WEIGHT = 3.0
THRESHOLD_GRID = np.round(np.arange(0.30, 1.0, 0.01), 2)
# Calibration postings flagged out of scope must be out of scope at least this often.
SCOPE_MIN_PRECISION = 0.8


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


def evidence_weight(evidence, prior: float) -> np.ndarray:
    """How far to trust the classifier for postings with `evidence` known terms: n / (n + prior)."""
    evidence = np.asarray(evidence, dtype=float)
    if prior <= 0:
        return np.ones_like(evidence)
    return evidence / (evidence + prior)


def shrunk_probabilities(scores, temperature: float, evidence, prior: float) -> np.ndarray:
    """softmax(scores / T), pulled toward the uniform distribution where a posting has little evidence
    (few terms the model knows): a text of two words cannot be known at 0.99."""
    weight = evidence_weight(evidence, prior)[:, None]
    probabilities = softmax(scores, temperature)
    return weight * probabilities + (1 - weight) / probabilities.shape[1]


def fit_evidence_prior(scores, evidence, true_index, temperature: float) -> float:
    """The prior count (between 0 and 200 terms) that minimises the log loss of the shrunk probabilities
    of short fragments whose true labels are known."""
    rows = np.arange(len(true_index))

    def loss(prior):
        probabilities = shrunk_probabilities(scores, temperature, evidence, prior)
        return float(-np.log(probabilities[rows, true_index] + 1e-12).mean())

    return float(minimize_scalar(loss, bounds=(0.0, 200.0), method="bounded").x)


def scope_threshold(scope_scores, out_of_scope, min_precision: float = SCOPE_MIN_PRECISION) -> float:
    """The lowest out-of-scope score at which the postings at or above it are out of scope at least
    `min_precision` of the time: the most recall that precision allows. Infinite (never flag) when no
    threshold gets there."""
    scope_scores = np.asarray(scope_scores, dtype=float)
    out_of_scope = np.asarray(out_of_scope, dtype=bool)
    for threshold in np.sort(np.unique(scope_scores)):
        flagged = scope_scores >= threshold
        if out_of_scope[flagged].mean() >= min_precision:
            return float(threshold)
    return float("inf")


def with_title_evidence(probabilities, title_index, weight: float) -> np.ndarray:
    """Content probabilities updated by what the title says (Bayes' rule): the role a title names is
    `weight` times as likely to be the work as the others; a title naming no role (index -1) changes
    nothing."""
    probabilities = np.array(probabilities, dtype=float)
    title_index = np.asarray(title_index)
    named = np.flatnonzero(title_index >= 0)
    probabilities[named, title_index[named]] *= weight
    return probabilities / probabilities.sum(axis=1, keepdims=True)


def fit_title_weight(probabilities, title_index, true_index) -> float:
    """The title weight (between 1 and 1000) that minimises the log loss of the title-updated
    probabilities of postings whose titles name a role (1 when none does)."""
    named = np.asarray(title_index) >= 0
    if not named.any():
        return 1.0
    rows = np.flatnonzero(named)
    truth = np.asarray(true_index)[rows]

    def loss(log_weight):
        updated = with_title_evidence(
            np.asarray(probabilities)[rows], np.asarray(title_index)[rows], np.exp(log_weight)
        )
        return float(-np.log(updated[np.arange(len(rows)), truth] + 1e-12).mean())

    return float(np.exp(minimize_scalar(loss, bounds=(0.0, np.log(1000.0)), method="bounded").x))


@dataclass(frozen=True)
class Calibration:
    """How decision scores become probabilities (temperature, evidence prior, title weight), and the
    review and out-of-scope thresholds."""

    temperature: float = 1.0
    evidence_prior: float = 0.0
    title_weight: float = 1.0
    review_threshold: float = 0.0
    target_accuracy: float = REVIEW_TARGET_ACCURACY
    scope_threshold: float = float("inf")

    def content_probabilities(self, scores, evidence) -> np.ndarray:
        """Probabilities of each label from the content's decision scores (columns in LABELS order)."""
        return shrunk_probabilities(scores, self.temperature, evidence, self.evidence_prior)

    def to_dict(self) -> dict:
        return {
            "method": "temperature",
            "temperature": round(self.temperature, 6),
            "evidence_prior": round(self.evidence_prior, 4),
            "title_weight": round(self.title_weight, 4),
            "review_threshold": self.review_threshold,
            "review_target_accuracy": self.target_accuracy,
            "scope_threshold": None if np.isinf(self.scope_threshold) else round(self.scope_threshold, 6),
        }

    @classmethod
    def from_dict(cls, data: dict | None) -> Calibration:
        """From a manifest's `calibration` entry; a model trained without one has none (no review band)."""
        if not data:
            return cls()
        scope = data["scope_threshold"]
        return cls(
            temperature=float(data["temperature"]),
            evidence_prior=float(data["evidence_prior"]),
            title_weight=float(data["title_weight"]),
            review_threshold=float(data["review_threshold"]),
            target_accuracy=float(data["review_target_accuracy"]),
            scope_threshold=float("inf") if scope is None else float(scope),
        )


def calibrate(held_out, target_accuracy: float = REVIEW_TARGET_ACCURACY) -> Calibration:
    """Fit the calibration on a model's scores of labeled postings it was not trained on
    (`model.HeldOutScores`): the temperature, the evidence prior on the fragments, the title weight,
    the review threshold on the content-only predictions (the harder case: a threshold that makes those
    reliable also covers titled postings) and the out-of-scope threshold."""
    temperature = fit_temperature(held_out.scores, held_out.true_index)
    prior = fit_evidence_prior(
        held_out.fragment_scores, held_out.fragment_evidence, held_out.true_index, temperature
    )
    probabilities = shrunk_probabilities(held_out.scores, temperature, held_out.evidence, prior)
    correct = probabilities.argmax(axis=1) == np.asarray(held_out.true_index)
    return Calibration(
        temperature=temperature,
        evidence_prior=prior,
        title_weight=max(
            TITLE_MIN_WEIGHT, fit_title_weight(probabilities, held_out.title_index, held_out.true_index)
        ),
        review_threshold=max(
            REVIEW_MIN_THRESHOLD, review_threshold(probabilities.max(axis=1), correct, target_accuracy)
        ),
        target_accuracy=target_accuracy,
        scope_threshold=scope_threshold(held_out.scope_scores, held_out.out_of_scope),
    )
