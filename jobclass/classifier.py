"""The public face of the model: train, load, predict with explanations, evaluate."""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from jobclass.calibration import (
    Calibration,
    ReliabilityBin,
    calibrate,
    expected_calibration_error,
    reliability_bins,
    softmax,
)
from jobclass.corpus import file_sha256, load_labeled, without_duplicates
from jobclass.errors import ModelError
from jobclass.home import corpus_path, default_model_path
from jobclass.labels import LABELS
from jobclass.model import (
    CV_FOLDS,
    DEFAULT_CONFIG,
    WORD_BLOCKS,
    CrossValidation,
    Metrics,
    ModelConfig,
    as_model_input,
    check_trainable,
    fit_and_cross_validate,
    label_columns,
    score,
    title_columns_dropped,
)
from jobclass.persist import environment_versions, load_verified, read_manifest, save_model
from jobclass.profiles import DEFAULT_PROFILES
from jobclass.taxonomy import DEFAULT_TAXONOMY
from jobclass.text import Posting

log = logging.getLogger(__name__)

DEFAULT_DATA = (
    corpus_path()
)  # the default model's corpus; where the default model lives: default_model_path()
TOP_TERMS = 6


@dataclass(frozen=True)
class TermWeight:
    """A word or phrase of the posting and how much it pushed the prediction toward the label."""

    term: str
    where: str  # "title" or "text"
    weight: float

    def to_dict(self) -> dict:
        return {"term": self.term, "where": self.where, "weight": round(self.weight, 4)}


@dataclass(frozen=True)
class Prediction:
    """The predicted label, the calibrated probability of each label, whether it needs a human look
    (top probability under the model's review threshold), and the terms that weighed most for it."""

    label: str
    probabilities: dict[str, float]
    top_terms: tuple[TermWeight, ...]
    title: str | None = None
    source: str = "<text>"
    review: bool = False
    counter_terms: tuple[TermWeight, ...] = ()  # the terms that pulled away from the label (negative weights)

    @property
    def confidence(self) -> float:
        return self.probabilities[self.label]

    def to_dict(self) -> dict:
        return {
            "source": self.source,
            "title": self.title,
            "label": self.label,
            "confidence": round(self.confidence, 4),
            "probabilities": {label: round(p, 4) for label, p in self.probabilities.items()},
            "review": self.review,
            "top_terms": [term.to_dict() for term in self.top_terms],
            "counter_terms": [term.to_dict() for term in self.counter_terms],
        }


@dataclass(frozen=True)
class Evaluation:
    """Metrics on labeled data, the expected calibration error with its reliability bins, and how the
    review band split the predictions (accuracy of the flagged and the unflagged ones)."""

    metrics: Metrics
    ece: float
    reliability: tuple[ReliabilityBin, ...]
    review_threshold: float
    flagged: int
    flagged_accuracy: float | None
    unflagged_accuracy: float | None

    def to_dict(self) -> dict:
        def rounded(value):
            return None if value is None else round(value, 4)

        return {
            **self.metrics.to_dict(),
            "ece": round(self.ece, 4),
            "reliability": [b.to_dict() for b in self.reliability],
            "review": {
                "threshold": self.review_threshold,
                "flagged": self.flagged,
                "flagged_accuracy": rounded(self.flagged_accuracy),
                "unflagged_accuracy": rounded(self.unflagged_accuracy),
            },
        }


@dataclass(frozen=True)
class TrainingResult:
    model_path: Path
    rows: int
    label_counts: dict[str, int]
    cv: CrossValidation | None
    manifest: dict
    warnings: tuple[str, ...] = ()


class Classifier:
    """A loaded, verified model. `predict(text, title=None)` classifies one posting."""

    def __init__(self, pipeline, manifest: dict):
        self.pipeline = pipeline
        self.manifest = manifest
        self.calibration = Calibration.from_dict(manifest.get("calibration"))

    @cached_property
    def _label_columns(self) -> list[int]:
        return label_columns(self.pipeline.named_steps["classifier"].classes_)

    @cached_property
    def _explained_features(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Indices, display terms and places of the word features, and the per-label relative weights."""
        names = self.pipeline.named_steps["features"].get_feature_names_out()
        blocks = np.array([name.split("__", 1)[0] for name in names])
        keep = np.flatnonzero(np.isin(blocks, WORD_BLOCKS))
        terms = np.array([names[i].split("__", 1)[1] for i in keep])
        places = np.where(blocks[keep] == "title_words", "title", "text")
        coef = self.pipeline.named_steps["classifier"].coef_
        # A term's pull toward a label is its weight there minus its mean weight over all labels.
        relative = (coef - coef.mean(axis=0))[:, keep]
        return keep, np.stack([terms, places]), relative

    def predict(self, text: str, title: str | None = None) -> Prediction:
        """Classify one posting's text (and title, when known)."""
        return self.predict_many([Posting(text=text, title=title)])[0]

    def predict_many(self, postings: Iterable[Posting]) -> list[Prediction]:
        """Classify several postings in one vectorised pass."""
        postings = list(postings)
        if not postings:
            return []
        frame = as_model_input([p.title for p in postings], [p.text for p in postings])
        return self._predictions(self.pipeline.named_steps["features"].transform(frame), postings)

    def predict_with_and_without_titles(
        self, postings: Iterable[Posting]
    ) -> tuple[list[Prediction], list[Prediction]]:
        """Each posting classified with its title and with the title hidden; the text's features (the
        costly part) are computed once for both."""
        postings = list(postings)
        if not postings:
            return [], []
        frame = as_model_input([p.title for p in postings], [p.text for p in postings])
        features = self.pipeline.named_steps["features"]
        titled = sp.csr_matrix(features.transform(frame))
        untitled = title_columns_dropped(features, titled)
        hidden = [Posting(p.text, None, p.source) for p in postings]
        return self._predictions(titled, postings), self._predictions(untitled, hidden)

    def _probabilities(self, features, postings: list[Posting]) -> np.ndarray:
        """Calibrated probabilities, columns in LABELS order: each posting's decision scores through a
        softmax at the temperature for postings with or without a title."""
        scores = np.asarray(self.pipeline.named_steps["classifier"].decision_function(features))
        scores = scores[:, self._label_columns]
        temperatures = np.array([self.calibration.temperature(bool(p.title)) for p in postings])
        return softmax(scores / temperatures[:, None])

    def _predictions(self, features, postings: list[Posting]) -> list[Prediction]:
        probabilities = self._probabilities(features, postings)
        keep, (terms, places), relative = self._explained_features
        word_features = features[:, keep].tocsr()
        predictions = []
        for row, posting in enumerate(postings):
            by_label = {label: float(probabilities[row, column]) for column, label in enumerate(LABELS)}
            best = max(by_label, key=by_label.get)
            start, end = word_features.indptr[row], word_features.indptr[row + 1]
            columns, values = word_features.indices[start:end], word_features.data[start:end]
            pulls = values * relative[self._label_columns[LABELS.index(best)], columns]
            ranked = np.argsort(-pulls)
            # Only the few terms shown become objects: this runs for every posting of a batch.
            top = [i for i in ranked[:TOP_TERMS] if pulls[i] > 0]
            against = [i for i in ranked[::-1][:TOP_TERMS] if pulls[i] < 0]
            top, against = (
                tuple(
                    TermWeight(str(terms[columns[i]]), str(places[columns[i]]), float(pulls[i]))
                    for i in chosen
                )
                for chosen in (top, against)
            )
            review = by_label[best] < self.calibration.review_threshold
            predictions.append(
                Prediction(best, by_label, top, posting.title, posting.source, review, against)
            )
        return predictions

    def evaluate(self, data: str | Path, use_title: bool = True) -> Evaluation:
        """Score the model on a labeled CSV, with titles or on content alone: accuracy, calibration and
        the review band."""
        frame = load_labeled(data)
        titles = frame["title"].tolist() if use_title else [None] * len(frame)
        postings = [
            Posting(text=text, title=title) for text, title in zip(frame["description"], titles, strict=True)
        ]
        features = self.pipeline.named_steps["features"].transform(
            as_model_input(titles, frame["description"].tolist())
        )
        probabilities = self._probabilities(features, postings)
        predicted = np.array(LABELS)[probabilities.argmax(axis=1)]
        truth = frame["label"].to_numpy()
        confidence = probabilities.max(axis=1)
        correct = predicted == truth
        flagged = confidence < self.calibration.review_threshold
        return Evaluation(
            metrics=score(truth, predicted),
            ece=expected_calibration_error(confidence, correct),
            reliability=tuple(reliability_bins(confidence, correct)),
            review_threshold=self.calibration.review_threshold,
            flagged=int(flagged.sum()),
            flagged_accuracy=float(correct[flagged].mean()) if flagged.any() else None,
            unflagged_accuracy=float(correct[~flagged].mean()) if (~flagged).any() else None,
        )


def train(
    data: str | Path = DEFAULT_DATA,
    model_path: str | Path | None = None,
    config: ModelConfig = DEFAULT_CONFIG,
    cross_validation: bool = True,
    jobs: int = 1,
) -> TrainingResult:
    """Cross-validate on a labeled CSV, calibrate on the out-of-fold scores, fit on all of it, and save
    the model with its manifest.

    `cross_validation=False` skips the 5-fold CV (about 5/6 of the time): the model then has no CV
    figures, uncalibrated probabilities (temperature 1) and no review band. `jobs` processes share the
    fits. Without `model_path`, the model is saved as the default model.
    """
    model_path = default_model_path() if model_path is None else model_path
    frame, warnings = without_duplicates(load_labeled(data))
    counts = Counter(frame["label"])
    check_trainable(frame)
    pipeline, cv = fit_and_cross_validate(frame, config, CV_FOLDS if cross_validation else None, jobs)
    calibration = calibrate(cv.titled_scores, cv.untitled_scores, cv.true_index) if cv else None
    manifest = save_model(
        pipeline,
        model_path,
        {
            "labels": list(LABELS),
            "training_data": {
                "file": Path(data).name,
                "sha256": file_sha256(data),
                "rows": len(frame),
                "label_counts": {label: counts.get(label, 0) for label in LABELS},
            },
            "model": config.to_dict(),
            "calibration": calibration.to_dict() if calibration else None,
            "rule_files": rule_file_hashes(),
            "cv": cv.to_dict() if cv else None,
        },
    )
    return TrainingResult(Path(model_path), len(frame), dict(counts), cv, manifest, tuple(warnings))


def default_model_staleness() -> str | None:
    """Why the default model must be (re)built before use, or None when it is up to date."""
    model = default_model_path()
    if not model.exists():
        return f"no model at {model}"
    try:
        manifest = read_manifest(model)
    except ModelError:
        return f"{model} was written by another jobclass version"
    if manifest.get("versions") != environment_versions():
        return f"{model} was trained with other library versions"
    if manifest.get("training_data", {}).get("sha256") != file_sha256(DEFAULT_DATA):
        return f"{DEFAULT_DATA} has changed since {model} was trained"
    if manifest.get("rule_files") != rule_file_hashes():
        return f"the bundled taxonomy or profiles have changed since {model} was trained"
    return None


def rule_file_hashes() -> dict[str, str]:
    """sha256 of the bundled taxonomy and profiles, which the model's profile-fit features read."""
    return {path.name: file_sha256(path) for path in (DEFAULT_TAXONOMY, DEFAULT_PROFILES)}


def ensure_default_model(notify: Callable[[str], None] = log.warning) -> Path:
    """Train the default model from the bundled corpus when it is missing or stale, telling `notify` why;
    returns its path (`jobclass.home`: models/ in a checkout, else the user's cache, or $JOBCLASS_HOME)."""
    reason = default_model_staleness()
    model = default_model_path()
    if reason:
        notify(f"{reason}; training one from {DEFAULT_DATA} first")
        train(DEFAULT_DATA, model, jobs=os.cpu_count() or 1)
    return model


def load_model(model_path: str | Path | None = None) -> Classifier:
    """Load a verified model; with no path, the default one, (re)trained from the bundled corpus if needed."""
    pipeline, manifest = load_verified(ensure_default_model() if model_path is None else model_path)
    return Classifier(pipeline, manifest)
