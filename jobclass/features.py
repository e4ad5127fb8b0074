"""Profile-fit features for the classifier: the four role-profile fit scores of each posting text."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from jobclass.labels import LABELS
from jobclass.reading import read_text


class ProfileFitFeatures(TransformerMixin, BaseEstimator):
    """Turns texts into their four profile fit scores (in label order) times `scale`.

    Stateless: `fit` learns nothing. `scale` sets how loud these four dense columns are next to the
    sparse TF-IDF blocks (whose rows have unit length).
    """

    def __init__(
        self, scale: float = 0.3, taxonomy_path: str | None = None, profiles_path: str | None = None
    ):
        self.scale = scale
        self.taxonomy_path = taxonomy_path
        self.profiles_path = profiles_path

    def fit(self, texts, y=None):
        self.n_features_in_ = 1
        return self

    def transform(self, texts) -> np.ndarray:
        scores = [
            [fit.score for fit in read_text(str(text), self.taxonomy_path, self.profiles_path).fits]
            for text in texts
        ]
        return np.asarray(scores, dtype=float).reshape(-1, len(LABELS)) * self.scale

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.array([f"fit_{label}" for label in LABELS], dtype=object)
