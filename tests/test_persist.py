"""A model file is code: it is only unpickled when its manifest vouches for it."""

import json
import pickle

import pytest

from jobclass.errors import ModelError
from jobclass.persist import load_verified, manifest_path

from .conftest import copy_model


@pytest.fixture
def model_copy(small_model, tmp_path):
    target = tmp_path / "model.joblib"
    return copy_model(small_model, target)


def test_manifest_records_what_the_model_is(small_model):
    manifest = json.loads(manifest_path(small_model).read_text())
    assert manifest["labels"] == ["ml_engineer", "data_scientist", "ml_scientist", "ai_scientist"]
    assert len(manifest["model_sha256"]) == 64
    assert len(manifest["training_data"]["sha256"]) == 64
    assert manifest["training_data"]["rows"] == 160
    assert set(manifest["versions"]) == {"jobclass", "scikit-learn", "spacy"}
    assert manifest["cv"] is None  # the session's small model is trained with cross_validation=False
    assert manifest["created_at"]


def test_verified_model_loads(model_copy):
    model, manifest = load_verified(model_copy)
    assert list(model.pipeline.classes_) == sorted(manifest["labels"])


def test_tampered_model_is_refused(model_copy):
    with open(model_copy, "ab") as handle:
        handle.write(b"\0")
    with pytest.raises(ModelError, match="sha256 does not match its manifest"):
        load_verified(model_copy)


def test_missing_manifest_is_refused(model_copy):
    manifest_path(model_copy).unlink()
    with pytest.raises(ModelError, match="no manifest"):
        load_verified(model_copy)


def test_other_format_version_is_refused(model_copy):
    manifest = json.loads(manifest_path(model_copy).read_text())
    manifest["format"] = 999
    manifest_path(model_copy).write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match="incompatible jobclass version"):
        load_verified(model_copy)


def test_other_scikit_learn_version_is_refused(model_copy):
    manifest = json.loads(manifest_path(model_copy).read_text())
    manifest["versions"]["scikit-learn"] = "0.1"
    manifest_path(model_copy).write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match="made with scikit-learn 0.1"):
        load_verified(model_copy)


class Exploit:
    """A pickle that would create a file if it were ever unpickled."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_foreign_pickle_is_never_unpickled(model_copy, tmp_path):
    marker = tmp_path / "pwned"
    model_copy.write_bytes(pickle.dumps(Exploit(marker)))
    with pytest.raises(ModelError, match="refusing to load"):
        load_verified(model_copy)
    assert not marker.exists()


def test_missing_model_is_refused(tmp_path):
    with pytest.raises(ModelError, match="no model file"):
        load_verified(tmp_path / "absent.joblib")
