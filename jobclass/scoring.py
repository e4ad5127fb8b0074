"""The classifier's arithmetic at prediction time without scikit-learn: word n-gram TF-IDF and the linear
scores, from arrays saved beside the model file.

Training fits the scikit-learn pipeline; `WordScorer.of(model)` takes from it what a word n-gram model
needs (vocabulary, idf, coefficients) and `save` writes them to `MODEL.scoring.npz`: numbers and text
only, read back with `allow_pickle=False`, so loading runs no code and needs only numpy and
scipy.sparse (not scikit-learn, which takes most of a second to import). The features and scores are
those of the pipeline (a test compares them on the corpus).
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp

# scikit-learn's default word pattern, matched in the lower-cased text as TfidfVectorizer does.
WORD = re.compile(r"(?u)\b\w\w+\b")


@dataclass(frozen=True, eq=False)  # holds arrays: compared by identity
class WordScorer:
    """TF-IDF over word 1..n-grams (sublinear tf, l2 norm), the four role scores and the scope score."""

    terms: list[str]  # the feature names, by column
    idf: np.ndarray
    role_coef: np.ndarray  # (4, features), rows in LABELS order
    role_intercept: np.ndarray
    scope_coef: np.ndarray | None
    scope_intercept: float
    ngram_max: int
    index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", {term: column for column, term in enumerate(self.terms)})

    @classmethod
    def of(cls, model) -> WordScorer | None:
        """The scorer of a fitted RoleModel whose only features are word n-gram TF-IDF (the default
        configuration); None for other configurations, which are scored by their pipeline."""
        from jobclass.model import WORD_BLOCK, label_columns

        features = model.pipeline.named_steps["features"]
        blocks = [(name, step) for name, step, _ in features.transformers_ if step != "drop"]
        if [name for name, _ in blocks] != [WORD_BLOCK]:
            return None
        vectorizer = blocks[0][1]
        expected = {"analyzer": "word", "lowercase": True, "sublinear_tf": True, "norm": "l2",
                    "use_idf": True, "token_pattern": WORD.pattern, "strip_accents": None,
                    "stop_words": None, "ngram_range": (1, vectorizer.ngram_range[1]),
                    "binary": False, "tokenizer": None, "preprocessor": None,
                    "dtype": np.float64}  # fmt: skip
        if any(getattr(vectorizer, name) != value for name, value in expected.items()):
            return None
        classifier = model.pipeline.named_steps["classifier"]
        order = label_columns(classifier.classes_)
        terms = [""] * len(vectorizer.vocabulary_)
        for term, column in vectorizer.vocabulary_.items():
            terms[column] = term
        scope = model.scope
        return cls(
            terms,
            np.asarray(vectorizer.idf_, dtype=np.float64),
            np.asarray(classifier.coef_[order], dtype=np.float64),
            np.asarray(classifier.intercept_[order], dtype=np.float64),
            None if scope is None else np.asarray(scope.coef_[0], dtype=np.float64),
            0.0 if scope is None else float(scope.intercept_[0]),
            int(vectorizer.ngram_range[1]),
        )

    def save(self, path: Path) -> None:
        with path.open("wb") as handle:
            np.savez(
                handle,
                terms=np.frombuffer("\n".join(self.terms).encode("utf-8"), dtype=np.uint8),
                idf=self.idf,
                role_coef=self.role_coef,
                role_intercept=self.role_intercept,
                scope_coef=np.zeros(0) if self.scope_coef is None else self.scope_coef,
                scope_intercept=np.array([self.scope_intercept]),
                ngram_max=np.array([self.ngram_max]),
            )

    @classmethod
    def from_bytes(cls, data: bytes) -> WordScorer:
        """The scorer in `save`'s format; ValueError when the arrays do not fit together."""
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            terms = arrays["terms"].tobytes().decode("utf-8").split("\n")
            scope = arrays["scope_coef"]
            scorer = cls(
                terms,
                arrays["idf"],
                arrays["role_coef"],
                arrays["role_intercept"],
                scope if scope.size else None,
                float(arrays["scope_intercept"][0]),
                int(arrays["ngram_max"][0]),
            )
        n = len(scorer.terms)
        shapes_fit = (
            scorer.idf.shape == (n,)
            and scorer.role_coef.shape == (len(scorer.role_intercept), n)
            and (scorer.scope_coef is None or scorer.scope_coef.shape == (n,))
            and len(scorer.index) == n
            and scorer.ngram_max >= 1
        )
        if not shapes_fit:
            raise ValueError("the arrays do not fit together")
        return scorer

    def features(self, texts: list[str]) -> sp.csr_matrix:
        """The TF-IDF rows of the texts, as the fitted vectorizer makes them."""
        index, columns, counts, indptr = self.index, [], [], [0]
        for text in texts:
            words = WORD.findall(text.lower())
            grams = list(words)
            for n in range(2, min(self.ngram_max, len(words)) + 1):
                grams += map(" ".join, zip(*(words[i:] for i in range(n)), strict=False))
            found = Counter(map(index.get, grams))  # counted in C; unknown grams count under None
            found.pop(None, None)
            columns += found.keys()
            counts += found.values()
            indptr.append(len(columns))
        rows = np.repeat(np.arange(len(texts)), np.diff(indptr))
        columns = np.array(columns, dtype=np.int64)
        data = (np.log(np.array(counts, dtype=np.float64)) + 1.0) * self.idf[columns]
        norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=len(texts)))
        data /= np.where(norms > 0, norms, 1.0)[rows]
        matrix = sp.csr_matrix((data, columns, np.array(indptr)), shape=(len(texts), len(self.terms)))
        matrix.sort_indices()
        return matrix

    def role_scores(self, features: sp.csr_matrix) -> np.ndarray:
        """Per-label decision scores, columns in LABELS order."""
        return np.asarray(features @ self.role_coef.T) + self.role_intercept

    def scope_scores(self, features: sp.csr_matrix) -> np.ndarray:
        if self.scope_coef is None:
            return np.zeros(features.shape[0])
        return np.asarray(features @ self.scope_coef) + self.scope_intercept

    def evidence(self, features: sp.csr_matrix) -> np.ndarray:
        """How many distinct words and phrases the model knows each row holds."""
        return np.diff(features.indptr)

    def word_features(self, features: sp.csr_matrix) -> sp.csr_matrix:
        return features

    def explained_terms(self) -> tuple[np.ndarray, np.ndarray]:
        """The words and phrases of the word features and each label's weight for them (LABELS rows)."""
        return np.array(self.terms, dtype=object), self.role_coef
