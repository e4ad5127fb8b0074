"""A word n-gram model predicts from its arrays (MODEL.scoring.npz) without scikit-learn, exactly as
its pipeline would."""

import hashlib
import json
import subprocess
import sys

import numpy as np
import pytest

from jobclass.classifier import load_model, verified_role_model
from jobclass.errors import ModelError
from jobclass.model import ModelConfig
from jobclass.persist import manifest_path, scoring_path
from jobclass.scoring import WordScorer

from .conftest import EXAMPLES, copy_model


def test_the_scorer_gives_the_pipelines_features_and_scores(small_model, corpus):
    scorer, pipeline = load_model(small_model).scorer, verified_role_model(small_model)
    assert isinstance(scorer, WordScorer)
    texts = corpus["description"].tolist()[:400] + ["", "---", "İstanbul Python_3 e.g. x"]
    ours, theirs = scorer.features(texts), pipeline.features(texts)
    assert abs(ours - theirs).max() < 1e-12 and ours.nnz == theirs.nnz
    assert np.allclose(scorer.role_scores(ours), pipeline.role_scores(theirs), atol=1e-10)
    assert np.allclose(scorer.scope_scores(ours), pipeline.scope_scores(theirs), atol=1e-10)
    assert (scorer.evidence(ours) == pipeline.evidence(theirs)).all()
    terms, _ = scorer.explained_terms()
    assert list(terms) == list(pipeline.explained_terms()[0])


def test_a_changed_scoring_file_is_refused(small_model, tmp_path):
    model = copy_model(small_model, tmp_path / "model.joblib")
    with open(scoring_path(model), "ab") as handle:
        handle.write(b"\0")
    with pytest.raises(ModelError, match="does not match the manifest"):
        load_model(model)


def test_a_model_with_other_features_is_scored_by_its_pipeline(tiny_csv, tmp_path):
    from jobclass.classifier import train

    result = train(tiny_csv, tmp_path / "rules.joblib", config=ModelConfig(skill_features=True),
                   cross_validation=False, calibration_data=None)  # fmt: skip
    assert not scoring_path(result.model_path).exists()
    model = load_model(result.model_path)
    assert not isinstance(model.scorer, WordScorer)
    assert model.predict("Deploy PyTorch models to Kubernetes.").label


def test_predict_loads_neither_scikit_learn_nor_pandas_nor_spacy(small_model):
    probe = (
        "import sys\n"
        "from jobclass.cli import main\n"
        f"sys.argv = ['jobclass', 'predict', {str(EXAMPLES / 'ml_engineer.txt')!r}, '--model', "
        f"{str(small_model)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print([m for m in ('sklearn', 'pandas', 'spacy', 'joblib') if m in sys.modules], file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert "label:" in result.stdout  # it predicted
    assert result.stderr.strip().splitlines()[-1] == "[]"


def test_a_missing_scoring_file_is_refused(small_model, tmp_path):
    model = copy_model(small_model, tmp_path / "model.joblib")
    scoring_path(model).unlink()
    with pytest.raises(ModelError, match="missing or unreadable"):
        load_model(model)


def test_scoring_arrays_that_do_not_fit_together_are_refused(small_model, tmp_path):
    model = copy_model(small_model, tmp_path / "model.joblib")
    with np.load(scoring_path(model), allow_pickle=False) as arrays:
        parts = {name: arrays[name] for name in arrays.files}
    parts["idf"] = parts["idf"][:-1]  # one column short
    with scoring_path(model).open("wb") as handle:
        np.savez(handle, **parts)
    manifest = json.loads(manifest_path(model).read_text())
    manifest["scoring_sha256"] = hashlib.sha256(scoring_path(model).read_bytes()).hexdigest()
    manifest_path(model).write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match="do not fit together"):
        load_model(model)


def test_batch_predictions_without_explanations_are_the_same(model, corpus):
    from jobclass.text import Posting

    rows = corpus.head(50)
    postings = [Posting(text, title) for text, title in zip(rows["description"], rows["title"], strict=True)]
    explained, _ = model.predict_with_and_without_titles(postings)
    plain, _ = model.predict_with_and_without_titles(postings, explain=False)
    assert [(p.label, p.probabilities, p.review) for p in plain] == [
        (p.label, p.probabilities, p.review) for p in explained
    ]
    assert all(p.top_terms == () for p in plain) and any(p.top_terms for p in explained)
