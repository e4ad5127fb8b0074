"""Where jobclass finds its training corpus and calibration postings, and keeps its default model.

In a checkout (a source tree, or an editable install of one) the corpus is `data/labeled_postings.csv`,
the calibration postings `data/calibration_postings.csv`, and the default model lives in `models/`.
An installed wheel carries both data files inside the package and keeps its default model in the
user's cache folder, so a read-only site-packages works. The JOBCLASS_HOME variable names the folder
of the default model in both cases.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs

HOME_VARIABLE = "JOBCLASS_HOME"
CORPUS_NAME = "labeled_postings.csv"
CALIBRATION_NAME = "calibration_postings.csv"
MODEL_NAME = "jobclass.joblib"
PACKAGE_DIR = Path(__file__).resolve().parent
SOURCE_ROOT = PACKAGE_DIR.parent  # the repository in a checkout; site-packages in an installed wheel


def checkout_root() -> Path | None:
    """The repository jobclass runs from, or None when it runs from an installed wheel."""
    is_checkout = (SOURCE_ROOT / "pyproject.toml").is_file() and (
        SOURCE_ROOT / "data" / CORPUS_NAME
    ).is_file()
    return SOURCE_ROOT if is_checkout else None


def bundled_data(name: str) -> Path:
    """A data file of the default model: in the checkout's `data/`, else the copy the wheel ships."""
    root = checkout_root()
    return root / "data" / name if root else PACKAGE_DIR / "data" / name


def corpus_path() -> Path:
    """The bundled training corpus."""
    return bundled_data(CORPUS_NAME)


def calibration_path() -> Path:
    """The bundled calibration postings."""
    return bundled_data(CALIBRATION_NAME)


def model_home(environ: Mapping[str, str] = os.environ) -> Path:
    """The folder of the default model: $JOBCLASS_HOME, else the checkout's `models/`, else the user's
    cache folder (e.g. ~/.cache/jobclass on Linux)."""
    if environ.get(HOME_VARIABLE):
        return Path(environ[HOME_VARIABLE]).expanduser()
    root = checkout_root()
    return root / "models" if root else platformdirs.user_cache_path("jobclass", appauthor=False)


def default_model_path(environ: Mapping[str, str] = os.environ) -> Path:
    return model_home(environ) / MODEL_NAME
