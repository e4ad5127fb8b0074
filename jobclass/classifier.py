"""The public face of the model: train, load, predict with explanations, evaluate."""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from jobclass.calibration import (
    Calibration,
    calibrate,
    with_title_evidence,
)
from jobclass.datafiles import file_sha256
from jobclass.errors import DataError, ModelError
from jobclass.home import calibration_path, corpus_path, default_model_path
from jobclass.labels import LABELS
from jobclass.persist import (
    environment_versions,
    load_scorer,
    load_verified,
    read_manifest,
    save_model,
    verify_model_file,
)
from jobclass.profiles import DEFAULT_PROFILES, Profiles, load_profiles
from jobclass.scoring import WordScorer
from jobclass.skills.taxonomy import DEFAULT_TAXONOMY
from jobclass.text import Posting
from jobclass.titles import read_title

if TYPE_CHECKING:
    from jobclass.evaluation import Evaluation
    from jobclass.model import CrossValidation, ModelConfig, RoleModel

# Training and evaluation import scikit-learn and pandas inside the functions that need them
# (`jobclass.model`, `jobclass.corpus`): a word n-gram model predicts with numpy alone, and loading
# scikit-learn would take most of the cold start of `jobclass predict`.

log = logging.getLogger(__name__)

# The default model's corpus and calibration postings; where the default model lives: default_model_path().
DEFAULT_DATA = corpus_path()
DEFAULT_CALIBRATION_DATA = calibration_path()
TOP_TERMS = 6
# A runner-up this probable makes the posting a hybrid: it is reported as the secondary role.
SECONDARY_MIN = 0.25
HYBRID_MIN = 0.75


@dataclass(frozen=True)
class TermWeight:
    """A word or phrase of the posting's text and how much it pushed the prediction toward the label."""

    term: str
    weight: float

    def to_dict(self) -> dict:
        return {"term": self.term, "weight": round(self.weight, 4)}


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
    out_of_scope: bool = False  # the work reads as none of the four roles; `label` is the nearest

    @property
    def confidence(self) -> float:
        return self.probabilities[self.label]

    @property
    def secondary(self) -> str | None:
        """The second role of a posting that sits between two: the runner-up, when it has at least
        SECONDARY_MIN and the two together at least HYBRID_MIN (not a posting that is unsure of all four)."""
        best, runner_up = sorted(self.probabilities, key=self.probabilities.get)[:-3:-1]
        pair = self.probabilities[best] + self.probabilities[runner_up]
        return runner_up if self.probabilities[runner_up] >= SECONDARY_MIN and pair >= HYBRID_MIN else None

    def to_dict(self) -> dict:
        return {
            "source": self.source,
            "title": self.title,
            "label": self.label,
            "confidence": round(self.confidence, 4),
            "probabilities": {label: round(p, 4) for label, p in self.probabilities.items()},
            "review": self.review,
            "secondary": self.secondary
            and {"label": self.secondary, "probability": round(self.probabilities[self.secondary], 4)},
            "out_of_scope": self.out_of_scope,
            "top_terms": [term.to_dict() for term in self.top_terms],
            "counter_terms": [term.to_dict() for term in self.counter_terms],
        }


@dataclass(frozen=True)
class TrainingResult:
    model_path: Path
    rows: int
    label_counts: dict[str, int]
    cv: CrossValidation | None
    manifest: dict
    warnings: tuple[str, ...] = ()


def title_indices(titles: list[str | None], profiles: Profiles) -> np.ndarray:
    """The LABELS index of the role each title names by `profiles`' title rules, -1 where it names none."""
    roles = (read_title(title, profiles).role for title in titles)
    return np.array([LABELS.index(role) if role else -1 for role in roles])


class Classifier:
    """A loaded, verified model. `predict(text, title=None)` classifies one posting.

    `scorer` computes the features and scores: the model's WordScorer when it has one (word n-gram
    models: no scikit-learn needed), else its scikit-learn RoleModel. `model` is the RoleModel itself,
    unpickled from `model_path` when first asked for.
    """

    def __init__(
        self,
        scorer: WordScorer | RoleModel,
        manifest: dict,
        model_path: Path | None = None,
    ):
        self.scorer = scorer
        self.manifest = manifest
        self.model_path = model_path
        self.calibration = Calibration.from_dict(manifest.get("calibration"))

    @cached_property
    def model(self) -> RoleModel:
        """The scikit-learn RoleModel, unpickled (verified) on first use when the scorer is a WordScorer."""
        if not isinstance(self.scorer, WordScorer):
            return self.scorer
        if self.model_path is None:
            raise ModelError("this model was loaded without its file: its pipeline is not at hand")
        if read_manifest(self.model_path).get("model_sha256") != self.manifest.get("model_sha256"):
            raise ModelError(f"{self.model_path}: changed since it was loaded; load it again")
        return verified_role_model(self.model_path)

    @property
    def pipeline(self):
        return self.model.pipeline

    @cached_property
    def _explained_features(self) -> tuple[np.ndarray, np.ndarray]:
        """The display terms of the word features, and each label's relative weight for them."""
        terms, coef = self.scorer.explained_terms()
        # A term's pull toward a label is its weight there minus its mean weight over all labels.
        return terms, coef - coef.mean(axis=0)

    def predict(self, text: str, title: str | None = None) -> Prediction:
        """Classify one posting's text (and title, when known)."""
        return self.predict_many([Posting(text=text, title=title)])[0]

    def predict_many(self, postings: Iterable[Posting], profiles: Profiles | None = None) -> list[Prediction]:
        """Classify several postings in one vectorised pass, each with its title's evidence."""
        return self.predict_with_and_without_titles(postings, profiles)[0]

    def predict_with_and_without_titles(
        self, postings: Iterable[Posting], profiles: Profiles | None = None, explain: bool = True
    ) -> tuple[list[Prediction], list[Prediction]]:
        """Each posting classified with its title's evidence and on its content alone; the content is read
        once for both. The title roles come from `profiles`' title rules (the bundled ones by default).
        `explain=False` leaves out the terms for and against (batch output has no use for them)."""
        postings = list(postings)
        if not postings:
            return [], []
        features, titled, content, out_of_scope = self._readings(postings, profiles)
        hidden = [Posting(p.text, None, p.source) for p in postings]
        return (
            self._predictions(features, titled, postings, out_of_scope, explain),
            self._predictions(features, content, hidden, out_of_scope, explain),
        )

    def _readings(self, postings: list[Posting], profiles: Profiles | None):
        """The text features, the probabilities with the title's evidence and on content alone (columns in
        LABELS order), and the out-of-scope flags of each posting."""
        features = self.scorer.features([p.text for p in postings])
        content = self.calibration.content_probabilities(
            self.scorer.role_scores(features), self.scorer.evidence(features)
        )
        titles = title_indices([p.title for p in postings], profiles or load_profiles())
        titled = with_title_evidence(content, titles, self.calibration.title_weight)
        return (
            features,
            titled,
            content,
            self.scorer.scope_scores(features) >= self.calibration.scope_threshold,
        )

    def _predictions(
        self,
        features,
        probabilities: np.ndarray,
        postings: list[Posting],
        out_of_scope: np.ndarray,
        explain: bool = True,
    ) -> list[Prediction]:
        word_features = self.scorer.word_features(features) if explain else None
        predictions = []
        for row, posting in enumerate(postings):
            by_label = {label: float(probabilities[row, column]) for column, label in enumerate(LABELS)}
            best = max(by_label, key=by_label.get)
            top, against = self._terms_for(word_features, row, best) if explain else ((), ())
            predictions.append(
                Prediction(
                    label=best,
                    probabilities=by_label,
                    top_terms=top,
                    title=posting.title,
                    source=posting.source,
                    review=by_label[best] < self.calibration.review_threshold,
                    counter_terms=against,
                    out_of_scope=bool(out_of_scope[row]),
                )
            )
        return predictions

    def _terms_for(self, word_features, row: int, label: str) -> tuple[tuple[TermWeight, ...], ...]:
        """The words and phrases of a row that pulled most toward `label`, and most away from it."""
        terms, relative = self._explained_features
        start, end = word_features.indptr[row], word_features.indptr[row + 1]
        columns, values = word_features.indices[start:end], word_features.data[start:end]
        pulls = values * relative[LABELS.index(label), columns]
        ranked = np.argsort(-pulls)
        # Only the few terms shown become objects: this runs for every posting of a batch.
        top = [i for i in ranked[:TOP_TERMS] if pulls[i] > 0]
        against = [i for i in ranked[::-1][:TOP_TERMS] if pulls[i] < 0]
        return tuple(
            tuple(TermWeight(str(terms[columns[i]]), float(pulls[i])) for i in chosen)
            for chosen in (top, against)
        )

    def evaluate(
        self, data: str | Path, use_title: bool = True, group_by: str | None = None
    ) -> dict[str, Evaluation]:
        """Score the model on a labeled CSV, with titles or on content alone: accuracy, calibration, the
        review band, top-2 and the out-of-scope flag; under "all", and per value of the `group_by` column."""
        from jobclass.corpus import load_labeled
        from jobclass.evaluation import evaluation_of

        frame = load_labeled(data)
        if group_by is not None and group_by not in frame:
            raise DataError(
                f"{data}: no column {group_by!r} to group by; columns: {', '.join(frame.columns)}"
            )
        postings = [
            Posting(text, title) for text, title in zip(frame["description"], frame["title"], strict=True)
        ]
        _, titled, content, flagged_out = self._readings(postings, None)
        probabilities = titled if use_title else content
        truth = frame["label"].to_numpy()
        marked_out = (frame["scope"] == "out").to_numpy()
        groups = {"all": np.ones(len(frame), dtype=bool)}
        if group_by is not None:
            groups |= {
                str(value): (frame[group_by] == value).to_numpy()
                for value in sorted(frame[group_by].unique())
            }
        threshold = self.calibration.review_threshold
        return {
            name: evaluation_of(
                truth[rows], probabilities[rows], flagged_out[rows], marked_out[rows], threshold
            )
            for name, rows in groups.items()
        }


def train(
    data: str | Path = DEFAULT_DATA,
    model_path: str | Path | None = None,
    config: ModelConfig | None = None,
    cross_validation: bool = True,
    jobs: int = 1,
    calibration_data: str | Path | None = DEFAULT_CALIBRATION_DATA,
) -> TrainingResult:
    """Fit on a labeled CSV (with 5-fold CV figures, grouped by writing slice), calibrate on the labeled
    postings of `calibration_data`, which training never sees, and save the model with its manifest.

    `cross_validation=False` skips the CV (about 5/6 of the time); `calibration_data=None` leaves the
    probabilities uncalibrated (temperature 1), with no review band and no out-of-scope flag. `jobs`
    processes share the fits. Without `model_path`, the model is saved as the default model.
    """
    from jobclass.corpus import load_labeled, without_duplicates
    from jobclass.model import (
        CV_FOLDS,
        DEFAULT_CONFIG,
        check_trainable,
        fit_and_cross_validate,
        held_out_scores,
    )

    config = DEFAULT_CONFIG if config is None else config
    model_path = default_model_path() if model_path is None else model_path
    frame, warnings = without_duplicates(load_labeled(data))
    counts = Counter(frame["label"])
    check_trainable(frame)
    model, cv = fit_and_cross_validate(frame, config, CV_FOLDS if cross_validation else None, jobs)
    calibration, calibration_file = None, None
    if calibration_data is not None:
        held_out = load_labeled(calibration_data)
        titles = title_indices(held_out["title"].tolist(), load_profiles())
        calibration = calibrate(held_out_scores(model, held_out, titles))
        calibration_file = {
            "file": Path(calibration_data).name,
            "sha256": file_sha256(calibration_data),
            "rows": len(held_out),
        }
    manifest = save_model(
        model,
        model_path,
        scorer=WordScorer.of(model),
        manifest={
            "labels": list(LABELS),
            "training_data": {
                "file": Path(data).name,
                "sha256": file_sha256(data),
                "rows": len(frame),
                "label_counts": {label: counts.get(label, 0) for label in LABELS},
                "out_of_scope": int((frame["scope"] == "out").sum()),
            },
            "calibration_data": calibration_file,
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
    if (manifest.get("calibration_data") or {}).get("sha256") != file_sha256(DEFAULT_CALIBRATION_DATA):
        return f"{DEFAULT_CALIBRATION_DATA} has changed since {model} was trained"
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
        train(DEFAULT_DATA, model, jobs=os.cpu_count() or 1, calibration_data=DEFAULT_CALIBRATION_DATA)
    return model


def verified_role_model(model_path: Path) -> RoleModel:
    from jobclass.model import RoleModel

    model, _ = load_verified(model_path)
    if not isinstance(model, RoleModel):
        raise ModelError(f"{model_path}: does not hold a jobclass model; retrain it with `jobclass train`")
    return model


def load_model(model_path: str | Path | None = None) -> Classifier:
    """Load a verified model; with no path, the default one, (re)trained from the bundled corpus if needed.
    A word n-gram model is scored from its arrays (MODEL.scoring.npz), its pickle left unread."""
    path = Path(ensure_default_model() if model_path is None else model_path)
    manifest = read_manifest(path)
    scorer = load_scorer(path, manifest)
    if scorer is None:
        return Classifier(verified_role_model(path), manifest, path)
    verify_model_file(path, manifest)
    return Classifier(scorer, manifest, path)
