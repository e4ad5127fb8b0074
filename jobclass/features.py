"""Rule-based features for the classifier: role-profile fit scores and the skills a posting asks for."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin

from jobclass.labels import LABELS
from jobclass.reader import read_text
from jobclass.skills.taxonomy import load_taxonomy


class ReadingFeatures(TransformerMixin, BaseEstimator):
    """Base of the features computed from a text's rule-based reading (taxonomy and profiles files,
    bundled by default). `scale` sets how loud these columns are next to the TF-IDF blocks, whose rows
    have unit length."""

    def __init__(
        self, scale: float = 0.3, taxonomy_path: str | None = None, profiles_path: str | None = None
    ):
        self.scale = scale
        self.taxonomy_path = taxonomy_path
        self.profiles_path = profiles_path

    def fit(self, texts, y=None):
        self.n_features_in_ = 1
        return self

    def reading(self, text):
        return read_text(str(text), self.taxonomy_path, self.profiles_path)


class ProfileFitFeatures(ReadingFeatures):
    """Turns texts into their four profile fit scores (in label order) times `scale`; learns nothing."""

    def transform(self, texts) -> np.ndarray:
        scores = [[fit.score for fit in self.reading(text).fits] for text in texts]
        return np.asarray(scores, dtype=float).reshape(-1, len(LABELS)) * self.scale

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.array([f"fit_{label}" for label in LABELS], dtype=object)


class SkillFeatures(ReadingFeatures):
    """Turns texts into indicators of the taxonomy skills each one asks for, one column per taxonomy id,
    each row scaled to length `scale`."""

    def fit(self, texts, y=None):
        self.ids_ = [entry.id for entry in load_taxonomy(self.taxonomy_path).entries]
        return super().fit(texts, y)

    def transform(self, texts) -> sp.csr_matrix:
        column = {skill_id: index for index, skill_id in enumerate(self.ids_)}
        rows, columns, values = [], [], []
        for row, text in enumerate(texts):
            found = {skill.id for skill in self.reading(text).skills.skills} & column.keys()
            for skill_id in found:
                rows.append(row)
                columns.append(column[skill_id])
                values.append(self.scale / np.sqrt(len(found)))
        return sp.csr_matrix((values, (rows, columns)), shape=(len(texts), len(self.ids_)))

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.array(self.ids_, dtype=object)
