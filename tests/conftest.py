"""Shared fixtures: a small model trained once per test session on a slice of the bundled corpus."""

from pathlib import Path

import pandas as pd
import pytest

from jobclass import classifier

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
CORPUS = ROOT / "data" / "labeled_postings.csv"


@pytest.fixture(scope="session")
def corpus() -> pd.DataFrame:
    return pd.read_csv(CORPUS, dtype=str, keep_default_na=False)


@pytest.fixture(scope="session")
def small_csv(corpus, tmp_path_factory) -> Path:
    """A stratified 40-per-label slice of the corpus: enough to train a usable model in seconds."""
    sample = pd.concat(group.sample(40, random_state=0) for _, group in corpus.groupby("label"))
    path = tmp_path_factory.mktemp("data") / "small.csv"
    sample.to_csv(path, index=False)
    return path


@pytest.fixture(scope="session")
def tiny_csv(corpus, tmp_path_factory) -> Path:
    """Eight postings per label: the least that 5-fold CV accepts with room, for tests that train."""
    sample = pd.concat(group.sample(8, random_state=1) for _, group in corpus.groupby("label"))
    path = tmp_path_factory.mktemp("data") / "tiny.csv"
    sample.to_csv(path, index=False)
    return path


@pytest.fixture(scope="session")
def small_model(small_csv, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("model") / "small.joblib"
    classifier.train(small_csv, path)
    return path
