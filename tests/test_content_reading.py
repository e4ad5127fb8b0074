"""The content reading's honesty: no-word postings refused, little evidence means low confidence, the
secondary role and the out-of-scope flag in every output, evaluation per group, CV grouped by slice."""

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from jobclass.calibration import Calibration
from jobclass.classifier import Classifier, Prediction
from jobclass.cli import cli
from jobclass.corpus import load_labeled
from jobclass.errors import DataError, InputError
from jobclass.labels import LABELS
from jobclass.model import cv_splits
from jobclass.persist import manifest_path
from jobclass.text import Posting, has_words, posting_from_text

from .conftest import EXAMPLES, copy_model
from .test_model import MLE_TEXT


def run(*args, input=None):
    return CliRunner().invoke(cli, [str(arg) for arg in args], input=input)


def model_with(small_model, tmp_path, **settings):
    """A copy of the small model whose manifest carries the given calibration settings."""
    path = tmp_path / "tuned.joblib"
    copy_model(small_model, path)
    manifest = json.loads(manifest_path(small_model).read_text())
    manifest["calibration"] = {**Calibration().to_dict(), **settings}
    manifest_path(path).write_text(json.dumps(manifest))
    return path


@pytest.mark.parametrize("text", ["---- *** ----", "\u200b\u200b\u200b", "• • •\n\n-- | --", "   "])
def test_text_without_words_is_refused_as_empty(text):
    assert not has_words(text)
    with pytest.raises(InputError, match="the posting is empty"):
        posting_from_text(text)


def test_words_in_any_script_count():
    assert has_words("Kubernetes") and has_words("数据科学家") and has_words("2024")


def test_predict_refuses_a_symbols_only_posting_in_one_line(small_model):
    result = run("predict", "-", "--model", small_model, input="---- *** ----\n")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.strip() == "Error: <stdin>: the posting is empty (no words)"


def test_batch_sends_a_symbols_only_row_to_the_errors_file(small_model, tmp_path):
    source = tmp_path / "in.csv"
    pd.DataFrame({"id": ["a", "b"], "text": [MLE_TEXT, "---- *** ----"]}).to_csv(source, index=False)
    out = tmp_path / "out.csv"
    result = run("batch", source, "-o", out, "--model", small_model, "-q", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert pd.read_csv(out)["id"].tolist() == ["a"]
    errors = [json.loads(line) for line in (tmp_path / "out.csv.errors.jsonl").read_text().splitlines()]
    assert [(e["id"], e["reason"]) for e in errors] == [("b", "empty text (column 'text')")]


def test_little_evidence_gives_low_confidence_and_a_review_flag(small_model, tmp_path):
    path = model_with(small_model, tmp_path, evidence_prior=20.0, review_threshold=0.6)
    short = json.loads(run("predict", "-", "--json", "--model", path, input="We need Kubernetes.").stdout)
    assert short["confidence"] < 0.5 and short["review"] is True
    full = json.loads(run("predict", EXAMPLES / "ml_engineer.txt", "--json", "--model", path).stdout)
    assert full["confidence"] > short["confidence"]


def test_secondary_role_only_for_a_posting_between_two():
    def prediction(*probabilities):
        by_label = dict(zip(LABELS, probabilities, strict=True))
        return Prediction(max(by_label, key=by_label.get), by_label, ())

    assert prediction(0.55, 0.35, 0.05, 0.05).secondary == "data_scientist"
    assert prediction(0.90, 0.06, 0.02, 0.02).secondary is None  # the runner-up is weak
    assert prediction(0.30, 0.26, 0.24, 0.20).secondary is None  # unsure of all four: no hybrid
    record = prediction(0.55, 0.35, 0.05, 0.05).to_dict()
    assert record["secondary"] == {"label": "data_scientist", "probability": 0.35}
    assert prediction(0.90, 0.06, 0.02, 0.02).to_dict()["secondary"] is None


def test_secondary_and_out_of_scope_reach_every_output(small_model, tmp_path):
    # a model that calls everything out of scope, to see the flag travel
    path = model_with(small_model, tmp_path, scope_threshold=-1e9)
    record = json.loads(run("predict", EXAMPLES / "data_scientist.txt", "--json", "--model", path).stdout)
    assert record["out_of_scope"] is True and "secondary" in record
    text = run("predict", EXAMPLES / "data_scientist.txt", "--model", path).stdout
    assert "out of scope:  yes, none of the four roles" in text and text.count("out of scope") == 1
    check_text = run("check", EXAMPLES / "data_scientist.txt", "--model", path).stdout
    assert "out of scope:  yes, none of the four roles" in check_text
    check = json.loads(run("check", EXAMPLES / "data_scientist.txt", "--json", "--model", path).stdout)
    assert check["out_of_scope"] is True
    report = tmp_path / "r.html"
    assert run("report", EXAMPLES / "data_scientist.txt", "-o", report, "--model", path).exit_code == 0
    assert 'id="out-of-scope"' in report.read_text()
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "x", "text": MLE_TEXT}) + "\n")
    out = tmp_path / "out.jsonl"
    assert run("batch", source, "-o", out, "--model", path, "-q", "--jobs", "1").exit_code == 0
    row = json.loads(out.read_text())
    assert row["out_of_scope"] is True and "secondary" in row


def test_uncalibrated_small_model_flags_nothing_out_of_scope(model):
    assert model.predict_many([Posting(MLE_TEXT)])[0].out_of_scope is False


def test_evaluation_file_marks_out_of_scope_from_clarity(tmp_path):
    path = tmp_path / "gold.csv"
    pd.DataFrame(
        {
            "title": ["a", "b"],
            "description": ["text one", "text two"],
            "label": ["ml_engineer", "data_scientist"],
            "clarity": ["other", "mixed"],
            "set": ["std", "hard"],
        }
    ).to_csv(path, index=False)
    frame = load_labeled(path)
    assert frame["scope"].tolist() == ["out", "in"] and frame["set"].tolist() == ["std", "hard"]
    assert frame["slice"].tolist() == ["", ""]


def test_unknown_scope_is_named_with_its_row(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("title,description,label,scope\nA,text,ml_engineer,in\nB,text,ml_engineer,maybe\n")
    with pytest.raises(DataError, match=r"unknown scope 'maybe' in data row 2"):
        load_labeled(path)


def test_evaluate_groups_by_a_column_with_top2_and_scope_figures(run_gold):
    result, data = run_gold("--json", "--group-by", "set")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert set(figures["groups"]) == {"std", "hard"}
    assert sum(sum(row) for row in figures["groups"]["std"]["confusion"]) == (data["set"] == "std").sum()
    for block in (figures, *figures["groups"].values()):
        assert 0 <= block["top2"] <= 1 and block["top2"] >= block["accuracy"]
    assert figures["out_of_scope"]["marked"] == (data["clarity"] == "other").sum()
    for name, block in figures["groups"].items():
        assert block["out_of_scope"]["marked"] == ((data["set"] == name) & (data["clarity"] == "other")).sum()
    text, _ = run_gold("--group-by", "set")
    assert "set = hard:" in text.stdout and "set = std:" in text.stdout and "top-2 accuracy" in text.stdout


def test_evaluate_group_by_an_absent_column_is_one_line(run_gold):
    result, _ = run_gold("--group-by", "region")
    assert result.exit_code == 1 and "no column 'region' to group by" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.fixture
def run_gold(small_model, small_csv, tmp_path):
    """`evaluate` on an evaluation-style file: the small slice with `set` and `clarity` columns."""
    data = pd.read_csv(small_csv, dtype=str, keep_default_na=False)
    data["set"] = np.where(np.arange(len(data)) % 2 == 0, "std", "hard")
    data["clarity"] = np.where(np.arange(len(data)) % 5 == 0, "other", "clear")
    data = data.drop(columns=["scope"])
    path = tmp_path / "gold.csv"
    data.to_csv(path, index=False)

    def invoke(*args):
        return run("evaluate", "--data", path, "--model", small_model, *args), data

    return invoke


def test_cv_keeps_each_writing_slice_on_one_side(corpus):
    frame = corpus.reset_index(drop=True)
    assert (frame["slice"] != "").sum() > 500  # most of the corpus has a known slice
    for train_index, test_index in cv_splits(frame, 5):
        train_slices = set(frame["slice"].iloc[train_index]) - {""}
        test_slices = set(frame["slice"].iloc[test_index]) - {""}
        assert not train_slices & test_slices


def test_title_evidence_moves_the_titled_reading_only(model):
    calibrated = Classifier(
        model.model, {**model.manifest, "calibration": {**Calibration().to_dict(), "title_weight": 50.0}}
    )
    titled, content = calibrated.predict_with_and_without_titles([Posting(MLE_TEXT, "Data Scientist")])
    assert titled[0].probabilities["data_scientist"] > content[0].probabilities["data_scientist"]
    assert content[0].title is None and titled[0].title == "Data Scientist"
