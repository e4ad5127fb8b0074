"""The CLI through click's CliRunner: output shapes, and one-line errors with exit code 1."""

import json
import sys

import pytest
from click.testing import CliRunner

from jobclass import classifier
from jobclass.calibration import Calibration
from jobclass.cli import cli
from jobclass.labels import LABELS
from jobclass.persist import manifest_path

from .conftest import EXAMPLES, ROOT, copy_model


@pytest.fixture
def run():
    def invoke(*args, input=None):
        return CliRunner().invoke(cli, [str(arg) for arg in args], input=input)

    return invoke


def assert_one_line_error(result, pattern):
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: ")
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert pattern in result.stderr


def test_predict_json_gives_label_and_probabilities(run, small_model):
    result = run("predict", EXAMPLES / "ml_engineer.txt", "--json", "--model", small_model)
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["label"] in LABELS
    assert record["title"] == "Senior Machine Learning Engineer, Recommendations"
    assert sum(record["probabilities"].values()) == pytest.approx(1.0, abs=1e-3)
    assert record["top_terms"] and {"term", "weight"} == set(record["top_terms"][0])


def test_predict_several_files_gives_json_lines(run, small_model):
    files = sorted(EXAMPLES.glob("*.txt"))
    result = run("predict", *files, "--json", "--model", small_model)
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["source"] for r in records] == [str(f) for f in files]


def test_predict_text_output(run, small_model):
    result = run("predict", EXAMPLES / "data_scientist.txt", "--model", small_model)
    assert result.exit_code == 0, result.output
    assert "label:" in result.stdout and "probabilities:" in result.stdout and "top terms:" in result.stdout
    assert "Data Scientist, Customer Insights" in result.stdout


def strict_review_model(small_model, tmp_path):
    """A copy of the small model whose manifest puts every prediction in the review band."""
    model = tmp_path / "strict.joblib"
    copy_model(small_model, model)
    manifest = json.loads(manifest_path(small_model).read_text())
    manifest["calibration"] = {**Calibration().to_dict(), "review_threshold": 0.9999}
    manifest_path(model).write_text(json.dumps(manifest))
    return model


def test_predict_and_batch_flag_predictions_in_the_review_band(run, small_model, tmp_path):
    strict = strict_review_model(small_model, tmp_path)
    text = run("predict", EXAMPLES / "ml_engineer.txt", "--model", strict)
    assert text.exit_code == 0, text.output
    assert "review: yes, low confidence" in text.stdout
    assert json.loads(run("predict", EXAMPLES / "ml_engineer.txt", "--json", "--model", strict).stdout)[
        "review"
    ]
    plain = json.loads(run("predict", EXAMPLES / "ml_engineer.txt", "--json", "--model", small_model).stdout)
    assert plain["review"] is False
    output = tmp_path / "out.jsonl"
    batch = run("batch", EXAMPLES, "-o", output, "--model", strict, "--jobs", "1", "--quiet")
    assert batch.exit_code == 0, batch.output
    rows = [json.loads(line) for line in output.read_text().splitlines()]
    assert len(rows) == 4 and all(row["review"] is True for row in rows)


def test_predict_from_stdin_with_title_option(run, small_model):
    result = run(
        "predict",
        "-",
        "--title",
        "Lead Data Scientist",
        "--json",
        "--model",
        small_model,
        input="We analyse churn and build dashboards for stakeholders.",
    )
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["source"] == "<stdin>" and record["title"] == "Lead Data Scientist"


def test_predict_trains_default_model_when_missing(run, tiny_csv, tmp_path, monkeypatch):
    model = tmp_path / "models" / "jobclass.joblib"
    monkeypatch.setenv("JOBCLASS_HOME", str(model.parent))
    monkeypatch.setattr(classifier, "DEFAULT_DATA", tiny_csv)
    result = run("predict", EXAMPLES / "ai_scientist.txt")
    assert result.exit_code == 0, result.output
    assert "training one from" in result.stderr
    assert model.exists() and manifest_path(model).exists()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "the posting is empty"),
        (b"  \n \n", "the posting is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks like a binary file"),
        (b"Senior caf\xe9 data person", "is not UTF-8 text"),
    ],
)
def test_predict_bad_input_file(run, small_model, tmp_path, content, message):
    path = tmp_path / "posting.txt"
    path.write_bytes(content)
    assert_one_line_error(run("predict", path, "--model", small_model), message)


def test_predict_missing_file(run, small_model, tmp_path):
    assert_one_line_error(run("predict", tmp_path / "absent.txt", "--model", small_model), "no such file")


def test_predict_missing_model(run, tmp_path):
    result = run("predict", EXAMPLES / "ml_engineer.txt", "--model", tmp_path / "absent.joblib")
    assert_one_line_error(result, "no model file; retrain it with `jobclass train`")


def test_predict_tampered_model(run, small_model, tmp_path):
    target = tmp_path / "model.joblib"
    copy_model(small_model, target)
    target.write_bytes(target.read_bytes()[:-10])
    result = run("predict", EXAMPLES / "ml_engineer.txt", "--model", target)
    assert_one_line_error(result, "sha256 does not match its manifest")


def test_evaluate_prints_table_and_confusion_matrix(run, small_model, small_csv):
    result = run("evaluate", "--data", small_csv, "--model", small_model)
    assert result.exit_code == 0, result.output
    assert "macro-F1" in result.stdout and "confusion matrix" in result.stdout
    for label in LABELS:
        assert label in result.stdout


def test_evaluate_json_with_and_without_title(run, small_model, small_csv):
    with_title = json.loads(run("evaluate", "--data", small_csv, "--model", small_model, "--json").stdout)
    without = json.loads(
        run("evaluate", "--data", small_csv, "--model", small_model, "--json", "--no-title").stdout
    )
    assert sum(sum(row) for row in with_title["confusion"]) == 160
    assert with_title["macro_f1"] >= without["macro_f1"]
    assert 0 <= without["ece"] <= 1 and sum(b["count"] for b in without["reliability"]) == 160
    assert without["review"]["flagged"] == 0  # the session model has no CV, hence no review band


def test_evaluate_plot_writes_a_png(run, small_model, small_csv, tmp_path):
    pytest.importorskip("matplotlib")
    plot = tmp_path / "eval.png"
    result = run("evaluate", "--data", small_csv, "--model", small_model, "--plot", plot)
    assert result.exit_code == 0, result.output
    assert "expected calibration error" in result.stdout
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_evaluate_plot_without_matplotlib_is_one_line(run, small_model, small_csv, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes `import matplotlib` fail
    result = run("evaluate", "--data", small_csv, "--model", small_model, "--plot", tmp_path / "e.png")
    assert_one_line_error(result, "pip install 'jobclass[plot]'")
    assert not (tmp_path / "e.png").exists()


def test_evaluate_csv_without_needed_columns(run, small_model, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("name,text\nA,b\n")
    assert_one_line_error(run("evaluate", "--data", path, "--model", small_model), "missing column(s)")


def test_train_refuses_unknown_label(run, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("title,description,label\nA,some text,data_scientist\nB,more text,data_wizard\n")
    result = run("train", "--data", path, "--model", tmp_path / "m.joblib")
    assert_one_line_error(result, "unknown label 'data_wizard' in data row 2")
    assert not (tmp_path / "m.joblib").exists()


def test_train_prints_cv_and_saves(run, tiny_csv, tmp_path):
    model = tmp_path / "m.joblib"
    result = run("train", "--data", tiny_csv, "--model", model)
    assert result.exit_code == 0, result.output
    assert "5-fold cross-validation" in result.stdout and "macro-F1" in result.stdout
    assert model.exists() and manifest_path(model).exists()
    manifest = json.loads(manifest_path(model).read_text())
    cv = manifest["cv"]
    assert cv["folds"] == 5 and cv["grouped_by"] == "slice" and 0 <= cv["content_only"]["macro_f1"] <= 1
    assert "review band: top probability under" in result.stdout
    calibration = manifest["calibration"]
    assert calibration["temperature"] > 0 and calibration["title_weight"] >= 1
    assert calibration["evidence_prior"] >= 0
    assert 0.3 <= calibration["review_threshold"] <= 0.99
    assert manifest["calibration_data"]["file"] == "calibration_postings.csv"


def test_train_without_cv_or_calibration_says_so_and_records_none(run, tiny_csv, tmp_path):
    model = tmp_path / "m.joblib"
    result = run("train", "--data", tiny_csv, "--model", model, "--no-cv", "--no-calibration")
    assert result.exit_code == 0, result.output
    assert "cross-validation skipped" in result.stdout and "macro-F1" not in result.stdout
    assert "calibration skipped" in result.stdout
    manifest = json.loads(manifest_path(model).read_text())
    assert manifest["cv"] is None and manifest["calibration"] is None


def test_train_calibrates_on_the_file_given(run, tiny_csv, small_csv, tmp_path):
    model = tmp_path / "m.joblib"
    result = run("train", "--data", tiny_csv, "--model", model, "--no-cv", "--calibration-data", small_csv)
    assert result.exit_code == 0, result.output
    assert "calibration on" in result.stdout and "small.csv" in result.stdout
    manifest = json.loads(manifest_path(model).read_text())
    assert manifest["calibration_data"]["rows"] == 160 and manifest["calibration"]["temperature"] > 0
    missing = run("train", "--data", tiny_csv, "--model", model, "--calibration-data", tmp_path / "no.csv")
    assert_one_line_error(missing, "no.csv: no such file")


def test_unknown_option_is_a_usage_error(run):
    assert run("predict", "--nope").exit_code == 2


def test_train_refuses_a_single_label(run, tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("title,description,label\n" + "".join(f"T{i},text {i},ml_engineer\n" for i in range(6)))
    assert_one_line_error(run("train", "--data", path, "--model", tmp_path / "m.joblib"), "only one label")


def test_readme_documents_every_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in cli.commands:
        assert f"$ jobclass {name}" in readme, f"README shows no real run of `jobclass {name}`"


def test_skills_json_lists_skills_with_needs_degree_and_years(run):
    result = run("skills", EXAMPLES / "ml_engineer.txt", "--json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["source"].endswith("ml_engineer.txt")
    assert {skill["need"] for skill in record["skills"]} <= {"required", "preferred", "mentioned"}
    names = {skill["name"] for skill in record["skills"]}
    assert {"Python", "Kubernetes"} <= names
    assert record["degree_min"] in ("none_stated", "bachelor", "master", "phd")
    assert "years_min" in record


def test_skills_text_output_from_stdin(run):
    result = run("skills", "-", input="Requirements:\n- 3+ years with Python and SQL\n\nNice to have: dbt")
    assert result.exit_code == 0, result.output
    assert "required:      Python, SQL" in result.stdout
    assert "preferred:     dbt" in result.stdout
    assert "experience:    3+ years" in result.stdout


def test_predict_json_includes_skills(run, small_model):
    result = run("predict", EXAMPLES / "data_scientist.txt", "--json", "--model", small_model)
    record = json.loads(result.stdout)
    assert record["label"] in LABELS
    assert any(skill["name"] == "SQL" for skill in record["skills"])


def test_bad_taxonomy_is_a_one_line_error(run, tmp_path):
    taxonomy = tmp_path / "bad.jsonl"
    taxonomy.write_text('{"id": "x", "name": "X", "category": "gadget"}\n', encoding="utf-8")
    result = run("skills", EXAMPLES / "ml_engineer.txt", "--taxonomy", taxonomy)
    assert_one_line_error(result, r"bad.jsonl:1: unknown category 'gadget'")


FRAMING = ROOT / "tests" / "fixtures" / "framing"


def test_check_reports_title_role_fits_verdict_and_missing(run, small_model):
    result = run("check", FRAMING / "data_scientist_title_mlops_body.txt", "--model", small_model)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "title role:    data_scientist" in out
    assert "framing:       mismatch" in out
    assert all(f"{role} 0." in out or f"{role} 1." in out for role in LABELS)  # all four profiles scored
    assert "missing:       for data_scientist:" in out


def test_check_title_option_and_json(run, small_model):
    result = run(
        "check", FRAMING / "consistent_ml_scientist.txt", "--title", "Data Scientist", "--json",
        "--model", small_model,
    )  # fmt: skip
    record = json.loads(result.stdout)
    assert record["title"] == "Data Scientist" and record["title_role"]["role"] == "data_scientist"
    assert [fit["role"] for fit in record["profiles"]] == list(LABELS)
    # the content contradicts the title (how strongly depends on the small model): never "consistent"
    assert (
        record["framing"]["verdict"] in ("mismatch", "leans") and record["framing"]["role"] == "ml_scientist"
    )
    assert record["framing"]["missing"]


def test_predict_includes_profile_fits_and_framing(run, small_model):
    text = run("predict", FRAMING / "consistent_ml_engineer.txt", "--model", small_model).stdout
    assert "profile fit:" in text and "framing:       consistent" in text
    record = json.loads(
        run("predict", FRAMING / "consistent_ml_engineer.txt", "--model", small_model, "--json").stdout
    )
    assert record["label"] == "ml_engineer" and record["framing"]["verdict"] == "consistent"
    assert {"skills", "profiles", "title_role", "content_label"} <= set(record)


def test_profiles_lists_all_roles_and_one_role(run):
    everything = run("profiles").stdout
    for role in LABELS:
        assert f"{role}: " in everything
    assert "[production]" in everything and "[publication_record]" in everything
    one = [json.loads(line) for line in run("profiles", "ai_scientist", "--json").stdout.splitlines()]
    assert [profile["role"] for profile in one] == ["ai_scientist"]
    assert any(group["name"] == "phd" and group["degrees"] == ["phd"] for group in one[0]["groups"])


def test_bad_profiles_file_is_one_line_error(run, small_model, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[ml_engineer\n", encoding="utf-8")
    for args in (("profiles",), ("check", FRAMING / "consistent_ml_engineer.txt", "--model", small_model)):
        assert_one_line_error(run(*args, "--profiles", bad), "invalid TOML")
