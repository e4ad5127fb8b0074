"""Saving and loading models with a JSON manifest: a model is unpickled only if its manifest vouches."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from jobclass.atomic import atomic_path
from jobclass.datafiles import file_sha256
from jobclass.errors import ModelError
from jobclass.scoring import WordScorer

# Bumped whenever the saved pipeline's structure changes, so old files are refused rather than misread.
MODEL_FORMAT = 5  # 2: profile-fit features; 3: model config, calibration; 4: RoleModel with scope classifier;
# 5: the arrays of a word n-gram model beside it (MODEL.scoring.npz), read without unpickling
RETRAIN_HINT = "retrain it with `jobclass train`"


def manifest_path(model_path: str | Path) -> Path:
    """The manifest sits beside the model: `models/jobclass.joblib` -> `models/jobclass.json`."""
    return Path(model_path).with_suffix(".json")


def package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"


def environment_versions() -> dict[str, str]:
    """The versions that must match for a pickled pipeline to load and behave the same."""
    return {
        "jobclass": package_version("jobclass"),
        "scikit-learn": package_version("scikit-learn"),
        "spacy": package_version("spacy"),
    }


def write_atomically(path: Path, write) -> None:
    """Call `write(temp_path)` and move the result onto `path` only once it is complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as temp:
        write(temp)


def scoring_path(model_path: str | Path) -> Path:
    """A word n-gram model's arrays sit beside it: `jobclass.joblib` -> `jobclass.scoring.npz`."""
    return Path(model_path).with_suffix(".scoring.npz")


def save_model(pipeline, model_path: str | Path, manifest: dict, scorer: WordScorer | None = None) -> dict:
    """Write the pipeline with joblib, the scorer's arrays when there is one, and the manifest beside
    them; returns the full manifest."""
    import joblib

    model_path = Path(model_path)
    write_atomically(model_path, lambda temp: joblib.dump(pipeline, temp))
    scoring = {}
    if scorer is not None:
        write_atomically(scoring_path(model_path), scorer.save)
        scoring = {"scoring_file": scoring_path(model_path).name,
                   "scoring_sha256": file_sha256(scoring_path(model_path))}  # fmt: skip
    else:
        scoring_path(model_path).unlink(missing_ok=True)  # a stale one from an earlier model
    full_manifest = {
        "format": MODEL_FORMAT,
        **manifest,
        "versions": environment_versions(),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "model_file": model_path.name,
        "model_sha256": file_sha256(model_path),
        **scoring,
    }
    text = json.dumps(full_manifest, indent=2) + "\n"
    write_atomically(manifest_path(model_path), lambda temp: temp.write_text(text, encoding="utf-8"))
    return full_manifest


def read_manifest(model_path: str | Path) -> dict:
    """Read and check a model's manifest without touching the model file's pickle."""
    model_path = Path(model_path)
    if not model_path.is_file():
        raise ModelError(f"{model_path}: no model file; {RETRAIN_HINT}")
    path = manifest_path(model_path)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{model_path}: no manifest ({path.name}) beside it; {RETRAIN_HINT}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise ModelError(f"{path}: the manifest is not valid JSON; {RETRAIN_HINT}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != MODEL_FORMAT:
        raise ModelError(f"{model_path}: written by an incompatible jobclass version; {RETRAIN_HINT}")
    return manifest


def verify_model_file(model_path: Path, manifest: dict) -> None:
    """Refuse a model file whose sha256 or library versions do not match its manifest."""
    if file_sha256(model_path) != manifest.get("model_sha256"):
        raise ModelError(
            f"{model_path}: sha256 does not match its manifest (changed or corrupted); refusing to load it; "
            f"{RETRAIN_HINT}"
        )
    expected = manifest.get("versions", {})
    for name, installed in environment_versions().items():
        if name != "spacy" and expected.get(name) != installed:
            raise ModelError(
                f"{model_path}: made with {name} {expected.get(name)}, but {installed} is installed; "
                f"{RETRAIN_HINT}"
            )


def load_scorer(model_path: Path, manifest: dict) -> WordScorer | None:
    """The model's scorer arrays, verified against the manifest; None for a model that has none."""
    if "scoring_sha256" not in manifest:
        return None
    path = scoring_path(model_path)
    try:
        data = path.read_bytes()  # hashed and read from the same bytes
    except OSError:
        raise ModelError(f"{path}: missing or unreadable beside the model; {RETRAIN_HINT}") from None
    if hashlib.sha256(data).hexdigest() != manifest.get("scoring_sha256"):
        raise ModelError(f"{path}: sha256 does not match the manifest; {RETRAIN_HINT}")
    try:
        return WordScorer.from_bytes(data)
    except Exception as err:  # a file that passed the hash check but still fails to read
        raise ModelError(f"{path}: cannot be read ({type(err).__name__}: {err}); {RETRAIN_HINT}") from None


def load_verified(model_path: str | Path) -> tuple[object, dict]:
    """Unpickle a model only after its sha256 and library versions match its manifest."""
    import joblib

    model_path = Path(model_path)
    manifest = read_manifest(model_path)
    verify_model_file(model_path, manifest)
    try:
        pipeline = joblib.load(model_path)
    except Exception as err:  # a file that passed the hash check but still fails to unpickle
        raise ModelError(f"{model_path}: cannot be loaded ({type(err).__name__}); {RETRAIN_HINT}") from None
    return pipeline, manifest
