"""The classifier: a scikit-learn Pipeline over title and description, its training, CV and evaluation."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from joblib import Parallel, delayed
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

from jobclass.errors import DataError
from jobclass.features import ProfileFitFeatures, SkillFeatures
from jobclass.labels import LABELS

SEED = 0
CV_FOLDS = 5
PARALLEL_FROM_ROWS = 300
# Feature blocks whose names are readable words; character n-grams are left out of explanations.
WORD_BLOCKS = ("title_words", "text_words")
CLASSIFIERS = ("logistic", "linear_svm", "sgd")


@dataclass(frozen=True)
class ModelConfig:
    """The choices that define a model; `scripts/select_model.py` compares them by CV."""

    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: bool = False
    profile_features: bool = False
    skill_features: bool = False
    classifier: str = "logistic"
    C: float = 100.0
    balanced: bool = True  # weight labels inversely to their counts

    def __post_init__(self):
        if self.classifier not in CLASSIFIERS:
            raise ValueError(f"unknown classifier {self.classifier!r}; one of {', '.join(CLASSIFIERS)}")

    def to_dict(self) -> dict:
        return {**asdict(self), "word_ngrams": list(self.word_ngrams)}

    def describe(self) -> str:
        low, high = self.word_ngrams
        parts = [
            f"words {low}-{high}",
            "chars 3-5" if self.char_ngrams else None,
            "profile fits" if self.profile_features else None,
            "skills" if self.skill_features else None,
            f"{self.classifier} C={self.C:g}",
            None if self.balanced else "unweighted",
        ]
        return ", ".join(part for part in parts if part)


DEFAULT_CONFIG = ModelConfig()


def linear_classifier(config: ModelConfig):
    """The linear model named by the config; all three give per-label decision scores."""
    weights = "balanced" if config.balanced else None
    if config.classifier == "logistic":
        return LogisticRegression(C=config.C, class_weight=weights, max_iter=5000, random_state=SEED)
    if config.classifier == "linear_svm":
        return LinearSVC(C=config.C, class_weight=weights, random_state=SEED)
    return SGDClassifier(
        loss="log_loss",
        alpha=1.0 / (config.C * 1000),
        class_weight=weights,
        max_iter=50,
        tol=None,
        random_state=SEED,
    )


def build_pipeline(config: ModelConfig = DEFAULT_CONFIG) -> Pipeline:
    """Word n-gram TF-IDF over title and description (optionally character n-grams, the four role-profile
    fit scores and the skill indicators of the description), into a linear classifier."""
    blocks = [
        ("title_words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True), "title"),
        (
            "text_words",
            TfidfVectorizer(ngram_range=config.word_ngrams, min_df=2, max_df=0.8, sublinear_tf=True),
            "description",
        ),
    ]
    if config.char_ngrams:
        blocks.append(
            (
                "text_chars",
                TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=3, sublinear_tf=True),
                "description",
            )
        )
    if config.profile_features:
        blocks.append(("profile_fits", ProfileFitFeatures(), "description"))
    if config.skill_features:
        blocks.append(("skills", SkillFeatures(), "description"))
    return Pipeline([("features", ColumnTransformer(blocks)), ("classifier", linear_classifier(config))])


def as_model_input(titles: list[str | None], texts: list[str]) -> pd.DataFrame:
    """The two-column frame the pipeline reads; a missing title becomes an empty string."""
    return pd.DataFrame({"title": [title or "" for title in titles], "description": list(texts)})


def title_columns_dropped(features: ColumnTransformer, matrix: sp.spmatrix) -> sp.csr_matrix:
    """The feature rows as they would be without titles: the title blocks' columns set to zero, which is
    what TF-IDF gives an empty title."""
    keep = np.ones(matrix.shape[1])
    for name, _, column in features.transformers_:
        if column == "title":
            keep[features.output_indices_[name]] = 0.0
    return sp.csr_matrix(matrix) @ sp.diags(keep)


def fit_pipeline(frame: pd.DataFrame, config: ModelConfig = DEFAULT_CONFIG) -> Pipeline:
    """Fit a fresh pipeline on a labeled frame (`title`, `description`, `label`).

    The classifier sees every posting twice, with and without its title, so it also learns to read
    content alone; the text is vectorised once for both.
    """
    pipeline = build_pipeline(config)
    features = pipeline.named_steps["features"]
    titled = sp.csr_matrix(features.fit_transform(frame[["title", "description"]]))
    training = sp.vstack([titled, title_columns_dropped(features, titled)]).tocsr()
    labels = np.concatenate([frame["label"].to_numpy()] * 2)
    pipeline.named_steps["classifier"].fit(training, labels)
    return pipeline


@dataclass(frozen=True)
class ClassMetrics:
    label: str
    precision: float
    recall: float
    f1: float
    support: int

    def to_dict(self) -> dict:
        return {
            "label": self.label,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "support": self.support,
        }


@dataclass(frozen=True)
class Metrics:
    """Per-class precision/recall/F1, macro-F1, accuracy and the confusion matrix (rows = true labels)."""

    per_class: tuple[ClassMetrics, ...]
    macro_f1: float
    accuracy: float
    confusion: tuple[tuple[int, ...], ...]
    labels: tuple[str, ...] = LABELS

    def to_dict(self) -> dict:
        return {
            "macro_f1": round(self.macro_f1, 4),
            "accuracy": round(self.accuracy, 4),
            "per_class": [metrics.to_dict() for metrics in self.per_class],
            "labels": list(self.labels),
            "confusion": [list(row) for row in self.confusion],
        }


def score(true_labels, predicted_labels) -> Metrics:
    """Metrics over all four labels, whether or not each occurs in the data."""
    precision, recall, f1, support = precision_recall_fscore_support(
        true_labels, predicted_labels, labels=list(LABELS), zero_division=0
    )
    present = support > 0
    per_class = tuple(
        ClassMetrics(label, float(p), float(r), float(f), int(s))
        for label, p, r, f, s in zip(LABELS, precision, recall, f1, support, strict=True)
    )
    matrix = confusion_matrix(true_labels, predicted_labels, labels=list(LABELS))
    return Metrics(
        per_class=per_class,
        # Macro-F1 over the labels present in the data, so a subset without a class is not penalised for it.
        macro_f1=float(np.mean(f1[present])) if present.any() else 0.0,
        accuracy=float(np.mean(np.asarray(true_labels) == np.asarray(predicted_labels))),
        confusion=tuple(tuple(int(cell) for cell in row) for row in matrix),
    )


@dataclass(frozen=True)
class CrossValidation:
    """Out-of-fold results of stratified k-fold CV, each held-out posting scored with and without its title.

    The decision scores (columns in LABELS order) are what the calibration is fitted on.
    """

    with_title: Metrics
    without_title: Metrics
    folds: int
    titled_scores: np.ndarray
    untitled_scores: np.ndarray
    true_index: np.ndarray

    def to_dict(self) -> dict:
        return {
            "folds": self.folds,
            "with_title": self.with_title.to_dict(),
            "without_title": self.without_title.to_dict(),
        }


def check_trainable(frame: pd.DataFrame, folds: int = CV_FOLDS) -> None:
    """Refuse data with fewer than two labels, or a label too rare for stratified k-fold CV."""
    counts = frame["label"].value_counts()
    if len(counts) < 2:
        raise DataError(f"training data has only one label ({counts.index[0]}); at least two are needed")
    rare = counts[counts < folds]
    if len(rare):
        listing = ", ".join(f"{label} ({n})" for label, n in rare.items())
        raise DataError(
            f"too few postings for {folds}-fold cross-validation: {listing}; need {folds} per label"
        )


def label_columns(classes) -> list[int]:
    """Where each of LABELS sits among a classifier's classes."""
    classes = list(classes)
    return [classes.index(label) for label in LABELS]


def decision_scores(pipeline: Pipeline, frame: pd.DataFrame) -> np.ndarray:
    """The classifier's per-label decision scores, columns in LABELS order."""
    scores = pipeline.decision_function(frame[["title", "description"]])
    return np.asarray(scores)[:, label_columns(pipeline.classes_)]


def fold_scores(frame: pd.DataFrame, train_index, test_index, config: ModelConfig):
    """Fit on the training rows; decision scores of the held-out rows with and without their titles."""
    pipeline = fit_pipeline(frame.iloc[train_index], config)
    held_out = frame.iloc[test_index]
    return decision_scores(pipeline, held_out), decision_scores(pipeline, held_out.assign(title=""))


def fit_and_cross_validate(
    frame: pd.DataFrame,
    config: ModelConfig = DEFAULT_CONFIG,
    folds: int | None = CV_FOLDS,
    jobs: int = 1,
) -> tuple[Pipeline, CrossValidation | None]:
    """The pipeline fitted on all rows and, unless `folds` is None, stratified k-fold CV (fixed seed) in
    which each held-out fold is scored with and without its titles.

    The k + 1 fits run in `jobs` processes, except for fewer than PARALLEL_FROM_ROWS rows and for configs
    with rule-based features: those share one process so the readings of each text (the costly part)
    are computed once, not once per fit.
    """
    if folds is not None:
        check_trainable(frame, folds)
    splits = (
        list(StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED).split(frame, frame["label"]))
        if folds
        else []
    )
    uses_readings = config.profile_features or config.skill_features
    # Starting worker processes costs seconds: worth it only for a corpus of some size.
    runner = Parallel(n_jobs=1 if uses_readings or len(frame) < PARALLEL_FROM_ROWS else jobs)
    pipeline, *results = runner(
        [delayed(fit_pipeline)(frame, config)]
        + [delayed(fold_scores)(frame, train_index, test_index, config) for train_index, test_index in splits]
    )
    if not folds:
        return pipeline, None
    titled = np.zeros((len(frame), len(LABELS)))
    untitled = np.zeros((len(frame), len(LABELS)))
    for (_, test_index), (titled_scores, untitled_scores) in zip(splits, results, strict=True):
        titled[test_index], untitled[test_index] = titled_scores, untitled_scores
    truth = frame["label"].to_numpy()
    labels = np.array(LABELS)
    cv = CrossValidation(
        with_title=score(truth, labels[titled.argmax(axis=1)]),
        without_title=score(truth, labels[untitled.argmax(axis=1)]),
        folds=folds,
        titled_scores=titled,
        untitled_scores=untitled,
        true_index=np.array([LABELS.index(label) for label in truth]),
    )
    return pipeline, cv
