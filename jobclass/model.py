"""The classifier: a scikit-learn Pipeline over title and description, its training, CV and evaluation."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cached_property

import numpy as np
import pandas as pd
import scipy.sparse as sp
from joblib import Parallel, delayed
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

from jobclass.errors import DataError
from jobclass.features import ProfileFitFeatures, SkillFeatures
from jobclass.labels import LABELS

SEED = 0
CV_FOLDS = 5
PARALLEL_FROM_ROWS = 300
# The feature block whose names are readable words; character n-grams are left out of explanations.
WORD_BLOCK = "text_words"
CLASSIFIERS = ("logistic", "linear_svm", "sgd")
# Word counts of the short windows of calibration postings that the evidence prior is fitted on.
FRAGMENT_WORDS = (3, 8, 20, 50)


@dataclass(frozen=True)
class ModelConfig:
    """The choices that define a model; `scripts/select_model.py` compares them by CV."""

    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: bool = False
    profile_features: bool = False
    skill_features: bool = False
    classifier: str = "logistic"
    C: float = 10.0
    balanced: bool = True  # weight labels inversely to their counts
    scope_C: float = 10.0  # the out-of-scope classifier's inverse regularisation

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
            f"scope C={self.scope_C:g}",
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
    """Word n-gram TF-IDF over the description (optionally character n-grams, the four role-profile fit
    scores and the skill indicators), into a linear classifier. The title is not a feature: it is
    weighed afterwards as evidence of its own (`calibration.with_title_evidence`)."""
    blocks = [
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


def as_model_input(texts: list[str]) -> pd.DataFrame:
    """The frame the pipeline reads."""
    return pd.DataFrame({"description": list(texts)})


@dataclass
class RoleModel:
    """What a model file holds: the role pipeline (features + four-label classifier) and the scope
    classifier, which reads the same features and scores how likely the work is none of the four roles
    (None when the training data had no out-of-scope postings)."""

    pipeline: Pipeline
    scope: LogisticRegression | None = None

    def features(self, texts: list[str]) -> sp.csr_matrix:
        return sp.csr_matrix(self.pipeline.named_steps["features"].transform(as_model_input(texts)))

    def role_scores(self, features) -> np.ndarray:
        """Per-label decision scores, columns in LABELS order."""
        classifier = self.pipeline.named_steps["classifier"]
        return np.asarray(classifier.decision_function(features))[:, label_columns(classifier.classes_)]

    @cached_property
    def word_columns(self) -> np.ndarray:
        """The feature columns of the word n-grams."""
        names = self.pipeline.named_steps["features"].get_feature_names_out()
        return np.flatnonzero(np.char.startswith(names.astype(str), f"{WORD_BLOCK}__"))

    def evidence(self, features) -> np.ndarray:
        """How many distinct words and phrases the model knows each row holds."""
        return np.asarray(sp.csr_matrix(features)[:, self.word_columns].getnnz(axis=1))

    def word_features(self, features) -> sp.csr_matrix:
        """The word n-gram columns of the features."""
        return sp.csr_matrix(features)[:, self.word_columns].tocsr()

    def explained_terms(self) -> tuple[np.ndarray, np.ndarray]:
        """The words and phrases of the word features and each label's weight for them (LABELS rows)."""
        names = self.pipeline.named_steps["features"].get_feature_names_out()[self.word_columns]
        classifier = self.pipeline.named_steps["classifier"]
        coef = classifier.coef_[label_columns(classifier.classes_)][:, self.word_columns]
        return np.array([name.split("__", 1)[1] for name in names]), coef

    def scope_scores(self, features) -> np.ndarray:
        """The out-of-scope decision score of each row (0 for every row when there is no scope classifier)."""
        if self.scope is None:
            return np.zeros(features.shape[0])
        return np.asarray(self.scope.decision_function(features))


def scope_classifier(C: float) -> LogisticRegression:
    return LogisticRegression(C=C, class_weight="balanced", max_iter=5000, random_state=SEED)


def fit_model(frame: pd.DataFrame, config: ModelConfig = DEFAULT_CONFIG) -> RoleModel:
    """Fit a fresh model on a labeled frame (`description`, `label`, `scope`)."""
    pipeline = build_pipeline(config)
    features = sp.csr_matrix(pipeline.named_steps["features"].fit_transform(frame[["description"]]))
    pipeline.named_steps["classifier"].fit(features, frame["label"].to_numpy())
    out = (frame["scope"] == "out").to_numpy()
    scope = scope_classifier(config.scope_C).fit(features, out) if out.any() and not out.all() else None
    return RoleModel(pipeline, scope)


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
    """Out-of-fold metrics of k-fold CV grouped by writing slice, on the content of each held-out posting."""

    metrics: Metrics
    folds: int

    def to_dict(self) -> dict:
        return {"folds": self.folds, "grouped_by": "slice", "content_only": self.metrics.to_dict()}


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


def cv_groups(frame: pd.DataFrame) -> np.ndarray:
    """The CV group of each posting: its writing slice, or the posting alone when the slice is unknown."""
    return np.where(frame["slice"] != "", "slice:" + frame["slice"], "row:" + frame.index.astype(str))


def cv_splits(frame: pd.DataFrame, folds: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified k-fold splits that keep each writing slice on one side, so a style is never both
    learned and tested (fixed seed)."""
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=SEED)
    return list(splitter.split(frame, frame["label"], groups=cv_groups(frame)))


def fold_scores(frame: pd.DataFrame, train_index, test_index, config: ModelConfig) -> np.ndarray:
    """Fit on the training rows; the held-out rows' role scores."""
    model = fit_model(frame.iloc[train_index], config)
    return model.role_scores(model.features(frame["description"].iloc[test_index].tolist()))


def fragments(texts: list[str], seed: int = SEED) -> list[str]:
    """A short random window of each text (FRAGMENT_WORDS lengths in turn): postings with little
    evidence, on which the evidence prior is fitted."""
    generator = np.random.default_rng(seed)
    pieces = []
    for number, text in enumerate(texts):
        words = text.split()
        length = FRAGMENT_WORDS[number % len(FRAGMENT_WORDS)]
        start = int(generator.integers(0, max(1, len(words) - length + 1)))
        pieces.append(" ".join(words[start : start + length]))
    return pieces


@dataclass(frozen=True)
class HeldOutScores:
    """What a fitted model says of labeled postings it never saw, and of a short fragment of each, with
    the roles their titles name: what the calibration is fitted on."""

    scores: np.ndarray
    true_index: np.ndarray
    evidence: np.ndarray
    title_index: np.ndarray  # the LABELS index of the role each title names, -1 for none
    scope_scores: np.ndarray
    out_of_scope: np.ndarray  # bool per posting, as labeled
    fragment_scores: np.ndarray
    fragment_evidence: np.ndarray


def held_out_scores(model: RoleModel, frame: pd.DataFrame, title_index: np.ndarray) -> HeldOutScores:
    """Score labeled postings the model was not trained on; `title_index` holds the LABELS index of the
    role each title names (-1 for none)."""
    texts = frame["description"].tolist()
    features, pieces = model.features(texts), model.features(fragments(texts))
    return HeldOutScores(
        scores=model.role_scores(features),
        true_index=np.array([LABELS.index(label) for label in frame["label"]]),
        evidence=model.evidence(features),
        title_index=np.asarray(title_index),
        scope_scores=model.scope_scores(features),
        out_of_scope=(frame["scope"] == "out").to_numpy(),
        fragment_scores=model.role_scores(pieces),
        fragment_evidence=model.evidence(pieces),
    )


def fit_and_cross_validate(
    frame: pd.DataFrame,
    config: ModelConfig = DEFAULT_CONFIG,
    folds: int | None = CV_FOLDS,
    jobs: int = 1,
) -> tuple[RoleModel, CrossValidation | None]:
    """The model fitted on all rows and, unless `folds` is None, k-fold CV grouped by writing slice.

    The k + 1 fits run in `jobs` processes, except for fewer than PARALLEL_FROM_ROWS rows and for configs
    with rule-based features: those share one process so the readings of each text (the costly part)
    are computed once, not once per fit.
    """
    frame = frame.reset_index(drop=True)
    if folds is not None:
        check_trainable(frame, folds)
    splits = cv_splits(frame, folds) if folds else []
    uses_readings = config.profile_features or config.skill_features
    # Starting worker processes costs seconds: worth it only for a corpus of some size.
    runner = Parallel(n_jobs=1 if uses_readings or len(frame) < PARALLEL_FROM_ROWS else jobs)
    model, *results = runner(
        [delayed(fit_model)(frame, config)]
        + [delayed(fold_scores)(frame, train_index, test_index, config) for train_index, test_index in splits]
    )
    if not folds:
        return model, None
    scores = np.zeros((len(frame), len(LABELS)))
    for (_, test_index), fold in zip(splits, results, strict=True):
        scores[test_index] = fold
    truth = frame["label"].to_numpy()
    return model, CrossValidation(metrics=score(truth, np.array(LABELS)[scores.argmax(axis=1)]), folds=folds)
