"""Shared fixtures: a small model trained once per test session on a slice of the bundled corpus."""

import shutil
from pathlib import Path

import pandas as pd
import pytest

from jobclass import classifier, load_model

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
CORPUS = ROOT / "data" / "labeled_postings.csv"


@pytest.fixture(scope="session")
def corpus() -> pd.DataFrame:
    return pd.read_csv(CORPUS, dtype=str, keep_default_na=False)


def write_slice(corpus: pd.DataFrame, per_label: int, seed: int, path: Path) -> Path:
    pd.concat(group.sample(per_label, random_state=seed) for _, group in corpus.groupby("label")).to_csv(
        path, index=False
    )
    return path


@pytest.fixture(scope="session")
def small_csv(corpus, tmp_path_factory) -> Path:
    """A stratified 40-per-label slice of the corpus: enough to train a usable model in seconds."""
    return write_slice(corpus, 40, 0, tmp_path_factory.mktemp("data") / "small.csv")


@pytest.fixture(scope="session")
def tiny_csv(corpus, tmp_path_factory) -> Path:
    """Eight postings per label: the least that 5-fold CV accepts with room, for tests that train."""
    return write_slice(corpus, 8, 1, tmp_path_factory.mktemp("data") / "tiny.csv")


@pytest.fixture(scope="session")
def small_model(small_csv, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("model") / "small.joblib"
    # CV is tested with the tiny slice, calibration with its own small file
    classifier.train(small_csv, path, cross_validation=False, calibration_data=None)
    return path


@pytest.fixture(scope="session")
def model(small_model):
    """The small model, loaded."""
    return load_model(small_model)


def copy_model(source: Path, target: Path) -> Path:
    """Copy a model's files (the pickle, its manifest and its scoring arrays) to `target`'s names."""
    from jobclass.persist import manifest_path, scoring_path

    for name in (lambda path: path, manifest_path, scoring_path):
        shutil.copy(name(source), name(target))
    return target
