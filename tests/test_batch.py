"""Batch labeling: formats, columns, the errors file and row accounting, order, atomic output, Dask."""

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from jobclass.batch import runner
from jobclass.batch.readers import BatchInput, Columns
from jobclass.cli import cli
from jobclass.errors import InputError

from .conftest import EXAMPLES


@pytest.fixture(scope="module")
def postings(corpus) -> pd.DataFrame:
    return corpus.head(12)[["id", "title", "description", "label"]].reset_index(drop=True)


def run(*args, input=None):
    return CliRunner().invoke(cli, [str(arg) for arg in args], input=input)


def read_output(path: Path) -> pd.DataFrame:
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    if path.suffix == ".jsonl":
        return pd.read_json(path, lines=True, dtype={"id": str})
    return pd.read_csv(path, dtype={"id": str})


def errors_of(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_each_input_format_is_labeled_in_order(postings, small_model, tmp_path, suffix):
    source = tmp_path / f"in{suffix}"
    {".csv": lambda: postings.to_csv(source, index=False),
     ".jsonl": lambda: postings.to_json(source, orient="records", lines=True),
     ".parquet": lambda: postings.to_parquet(source)}[suffix]()  # fmt: skip
    output = tmp_path / "out.jsonl"
    result = run("batch", source, "-o", output, "--model", small_model, "--jobs", 1)
    assert result.exit_code == 0, result.output
    labeled = read_output(output)
    assert labeled["id"].tolist() == postings["id"].tolist()
    assert set(labeled["label"]) <= set(runner.LABELS)
    assert "read 12, labeled 12, errors 0" in result.stderr


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_each_output_format_has_all_fields(postings, small_model, tmp_path, suffix):
    source = tmp_path / "in.csv"
    postings.to_csv(source, index=False)
    output = tmp_path / f"out{suffix}"
    assert run("batch", source, "-o", output, "--model", small_model, "--jobs", 1).exit_code == 0
    labeled = read_output(output)
    assert list(labeled.columns) == runner.FIELDS and len(labeled) == 12
    probabilities = labeled[[f"p_{label}" for label in runner.LABELS]].sum(axis=1)
    assert probabilities.between(0.99, 1.01).all()
    assert (labeled["label"] == labeled["label"].where(labeled["label"].isin(runner.LABELS))).all()


def test_directory_and_stdin_inputs_and_stdout_output(small_model, tmp_path):
    output = tmp_path / "out.csv"
    assert run("batch", EXAMPLES, "-o", output, "--model", small_model, "--jobs", 1).exit_code == 0
    labeled = read_output(output)
    assert labeled["id"].tolist() == sorted(path.name for path in EXAMPLES.iterdir() if path.is_file())
    assert (labeled["title_role"] == labeled["label"]).all()  # each example's Title: line is read

    lines = "".join(
        json.dumps({"id": f"s{i}", "text": (EXAMPLES / "ml_engineer.txt").read_text()}) + "\n"
        for i in range(3)
    )
    args = ("batch", "-", "-o", "-", "--model", small_model, "--jobs", 1, "--errors", tmp_path / "e.jsonl")
    result = run(*args, input=lines)
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [record["id"] for record in records] == ["s0", "s1", "s2"]
    assert all(record["label"] == "ml_engineer" for record in records)


def test_column_options_and_fields(postings, small_model, tmp_path):
    source = tmp_path / "renamed.csv"
    postings.rename(columns={"id": "key", "title": "heading", "description": "body_text"}).to_csv(
        source, index=False
    )
    output = tmp_path / "out.csv"
    columns = ("--text-col", "body_text", "--title-col", "heading", "--id-col", "key")
    args = ("batch", source, "-o", output, "--model", small_model, "--jobs", 1, *columns)
    result = run(*args, "--fields", "id,label,framing")
    assert result.exit_code == 0, result.output
    labeled = read_output(output)
    assert list(labeled.columns) == ["id", "label", "framing"]
    assert labeled["id"].tolist() == postings["id"].tolist()


def assert_one_line_error(result, text):
    assert result.exit_code == 1, result.output
    assert len(result.stderr.strip().splitlines()) == 1 and text in result.stderr


def test_missing_column_and_unknown_field_are_one_line_errors(postings, small_model, tmp_path):
    source = tmp_path / "in.csv"
    postings.to_csv(source, index=False)
    output = tmp_path / "out.csv"
    missing = run("batch", source, "-o", output, "--model", small_model, "--text-col", "body")
    assert_one_line_error(
        missing, "no column 'body' (--text-col); columns found: id, title, description, label"
    )
    assert not output.exists()
    unknown = run("batch", source, "-o", output, "--model", small_model, "--fields", "id,colour")
    assert_one_line_error(unknown, "unknown field 'colour'")


def test_bad_rows_go_to_the_errors_file_and_every_row_is_accounted_for(postings, small_model, tmp_path):
    text = postings.loc[0, "description"]
    good = json.dumps({"id": "ok1", "text": text})
    lines = [
        good,
        "{not json",
        json.dumps({"id": "num", "text": 42}),
        json.dumps({"id": "none", "text": None}),
        json.dumps({"id": "blank", "text": "   "}),
        json.dumps({"id": "long", "text": text * 3}),
        json.dumps(["a", "list"]),
        json.dumps({"id": "ok2", "text": text}),
    ]
    source = tmp_path / "in.jsonl"
    source.write_bytes(("\n".join(lines) + "\n").encode() + b'{"id": "latin", "text": "caf\xe9"}\n')
    output = tmp_path / "out.csv"
    result = run(
        "batch", source, "-o", output, "--model", small_model, "--jobs", 1, "--max-chars", len(text) * 2
    )
    assert result.exit_code == 0, result.output
    labeled, errors = read_output(output), errors_of(tmp_path / "out.csv.errors.jsonl")
    assert labeled["id"].tolist() == ["ok1", "ok2"]
    assert len(labeled) + len(errors) == 9
    assert "read 9, labeled 2, errors 7" in result.stderr
    reasons = {error["row"]: error["reason"] for error in errors}
    assert "invalid JSON" in reasons[2] and "not a string but int" in reasons[3]
    assert "missing text" in reasons[4] and "empty text" in reasons[5]
    assert "over" in reasons[6] and "not a JSON object" in reasons[7] and "not UTF-8" in reasons[9]


def test_broken_csv_rows_are_errors_with_their_line(small_model, tmp_path):
    source = tmp_path / "broken.csv"
    source.write_text(
        "id,title,description\n"
        "a,Data Scientist,We analyse data with SQL and build dashboards.\n"
        "b,ML Engineer,too,many,fields\n"
        'c,Data Scientist,"Quoted, multi-line\ntext about A/B tests and dashboards."\n'
        'd,AI Scientist,"an unterminated quote that runs to the end\n',
        encoding="utf-8",
    )
    output = tmp_path / "out.csv"
    result = run("batch", source, "-o", output, "--model", small_model, "--jobs", 1)
    assert result.exit_code == 0, result.output
    labeled, errors = read_output(output), errors_of(tmp_path / "out.csv.errors.jsonl")
    assert labeled["id"].tolist() == ["a", "c"]
    assert [error["row"] for error in errors] == [2, 4]
    assert "5 fields, the header has 3" in errors[0]["reason"]


def test_two_jobs_keep_input_order_and_match_one_job(corpus, small_model, tmp_path):
    source = tmp_path / "in.csv"
    corpus.head(40).to_csv(source, index=False)
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    summary_one = runner.run_batch(
        BatchInput(source), one, tmp_path / "e1.jsonl", small_model, jobs=1, chunk_rows=5
    )
    summary_two = runner.run_batch(
        BatchInput(source), two, tmp_path / "e2.jsonl", small_model, jobs=2, chunk_rows=5
    )
    assert summary_one.read == summary_two.read == 40
    assert one.read_text() == two.read_text()
    assert read_output(two)["id"].tolist() == corpus.head(40)["id"].tolist()


def test_a_failure_mid_run_leaves_no_output_but_its_checkpoint(corpus, small_model, tmp_path, monkeypatch):
    source = tmp_path / "in.csv"
    corpus.head(12).to_csv(source, index=False)
    calls = []
    real = runner.label_chunk

    def failing(rows, model, fields, html_dir=None):
        calls.append(len(rows))
        if len(calls) == 2:
            raise OSError("disk full")
        return real(rows, model, fields, html_dir)

    monkeypatch.setattr(runner, "label_chunk", failing)
    output = tmp_path / "out.parquet"
    with pytest.raises(OSError, match="disk full"):
        runner.run_batch(
            BatchInput(source), output, tmp_path / "out.errors.jsonl", small_model, jobs=1, chunk_rows=4
        )
    assert not output.exists() and not (tmp_path / "out.errors.jsonl").exists()
    checkpoint = tmp_path / "out.parquet.checkpoint"  # the first chunk, for --resume
    assert sorted(tmp_path.iterdir()) == [source, checkpoint]  # no temporary file left behind either
    assert sorted(path.name for path in checkpoint.iterdir()) == ["00000001.json", "state.json"]


def test_unknown_formats_are_refused(tmp_path):
    with pytest.raises(InputError, match="unknown input format"):
        BatchInput(tmp_path / "postings.xlsx", Columns())


@pytest.mark.slow
def test_dask_engine_output_equals_local_engine(corpus, small_model, tmp_path):
    source = tmp_path / "in.csv"
    corpus.head(30).to_csv(source, index=False)
    local, distributed = tmp_path / "local.csv", tmp_path / "dask.csv"
    assert run("batch", source, "-o", local, "--model", small_model, "--jobs", 1).exit_code == 0
    result = run("batch", source, "-o", distributed, "--model", small_model, "--engine", "dask", "--jobs", 2)
    assert result.exit_code == 0, result.output
    assert "read 30, labeled 30, errors 0" in result.stderr
    assert distributed.read_text() == local.read_text()


def test_progress_line_only_when_enabled(capsys):
    from jobclass.cli import progress_printer

    assert progress_printer(False) is None
    show = progress_printer(True)
    show(runner.Progress(done=50, total=200, seconds=2.0))
    line = capsys.readouterr().err
    assert line.startswith("\r50 rows  25 rows/s  25%  ETA 0:06")
