"""Hostile and oversized input: HTML postings, huge postings, spreadsheet formulas in CSV output."""

import csv
import errno
import json
import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest
from click.testing import CliRunner

from jobclass import InputError, Posting, analyse
from jobclass.batch.readers import BatchInput
from jobclass.batch.runner import run_batch
from jobclass.cli import cli
from jobclass.text import MAX_POSTING_CHARS, plain_text

from .conftest import EXAMPLES as EXAMPLES_DIR

HTML_POSTING = (
    "<html><head><style>p { color: red }</style><script>var tracking = 1;</script></head><body>"
    "<h1>Data Scientist</h1><p>We analyse churn with <b>SQL</b> &amp; Python.</p>"
    "<ul><li>Build dashboards in Tableau</li><li>Run A/B tests</li></ul></body></html>"
)


def run(*args, input=None):
    return CliRunner().invoke(cli, [str(arg) for arg in args], input=input)


def one_line_error(result, pattern):
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: ") and len(result.stderr.strip().splitlines()) == 1
    assert pattern in result.stderr and "Traceback" not in result.stderr


def test_plain_text_strips_tags_keeps_lines_and_decodes_entities():
    assert plain_text(HTML_POSTING) == (
        "Data Scientist\n\nWe analyse churn with SQL & Python.\n\n"
        "- Build dashboards in Tableau\n\n- Run A/B tests"
    )


@pytest.mark.parametrize(
    "text", ["Python <3 and SQL", "if a < b and c > d", "Use <ML> tools & R", "Salary <= 100k\nLine two"]
)
def test_plain_text_leaves_text_without_html_tags_alone(text):
    assert plain_text(text) == text


def test_html_posting_is_analysed_as_its_text(small_model, tmp_path):
    path = tmp_path / "posting.html"
    path.write_text(HTML_POSTING, encoding="utf-8")
    result = run("skills", path, "--json")
    assert result.exit_code == 0, result.output
    names = {skill["name"] for skill in json.loads(result.stdout)["skills"]}
    assert {"SQL", "Python", "Tableau", "A/B testing"} <= names
    assert all(start < end for skill in json.loads(result.stdout)["skills"] for start, end in skill["spans"])


def test_a_20_mb_posting_is_refused_before_it_is_read(small_model, tmp_path):
    path = tmp_path / "huge.txt"
    path.write_text("We analyse churn with SQL and Python. " * 550_000, encoding="utf-8")
    assert path.stat().st_size > 20_000_000
    one_line_error(run("predict", path, "--model", small_model), "too large for a posting")


def test_a_posting_over_the_character_limit_on_stdin_is_refused(small_model):
    text = "SQL and Python. " * (MAX_POSTING_CHARS // 16 + 10)
    one_line_error(run("predict", "-", "--model", small_model, input=text), "over the limit of 200,000")


def test_the_library_refuses_texts_over_its_read_limit(model):
    with pytest.raises(InputError, match="over the limit of 1,000,000"):
        analyse([Posting("word " * 250_001)], model)


def test_batch_max_chars_cannot_exceed_the_reading_limit(small_model, tmp_path):
    result = run("batch", "-", "-o", tmp_path / "o.csv", "--max-chars", "2000000", input="")
    assert result.exit_code == 2 and "--max-chars" in result.output


def batch_rows(tmp_path, small_model, records, *options):
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(record) for record in records) + "\n", encoding="utf-8")
    output = tmp_path / "out.csv"
    result = run("batch", source, "-o", output, "--model", small_model, "--jobs", "1", "--quiet", *options)
    assert result.exit_code == 0, result.output
    with open(output, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


FORMULA_IDS = ['=HYPERLINK("http://x")', "+1+1", "-2", "@SUM(A1)", "plain"]


def test_csv_output_neutralises_cells_a_spreadsheet_would_run(tmp_path, small_model):
    records = [{"id": row_id, "text": "We analyse churn with SQL and Python."} for row_id in FORMULA_IDS]
    rows = batch_rows(tmp_path, small_model, records, "--fields", "id,label")
    assert [row["id"] for row in rows] == ["'" + row_id for row_id in FORMULA_IDS[:4]] + ["plain"]


def test_keep_formulas_writes_cells_unchanged(tmp_path, small_model):
    records = [{"id": row_id, "text": "We analyse churn with SQL and Python."} for row_id in FORMULA_IDS]
    rows = batch_rows(tmp_path, small_model, records, "--fields", "id,label", "--keep-formulas")
    assert [row["id"] for row in rows] == FORMULA_IDS


def test_html_without_text_is_an_empty_row_in_batch(tmp_path, small_model):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "e", "text": "<div><p> </p><br></div>"}) + "\n", encoding="utf-8")
    output = tmp_path / "out.csv"
    result = run("batch", source, "-o", output, "--model", small_model, "--jobs", "1", "--quiet")
    assert result.exit_code == 0, result.output
    [error] = [json.loads(line) for line in (tmp_path / "out.csv.errors.jsonl").open()]
    assert error["reason"] == "empty text (column 'text')"


def test_batch_strips_html_from_the_text_column(tmp_path, small_model):
    rows = batch_rows(
        tmp_path, small_model, [{"id": "h", "text": HTML_POSTING}], "--fields", "id,skills_mentioned"
    )
    assert "Tableau" in rows[0]["skills_mentioned"] and "<" not in rows[0]["skills_mentioned"]


def start_batch(source, output, model):
    command = [sys.executable, "-m", "jobclass", "batch", str(source), "-o", str(output),
               "--model", str(model), "--jobs", "1", "--quiet", "--chunk-size", "8"]  # fmt: skip
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def wait_for_a_finished_chunk(checkpoint, process, timeout=60):
    """Wait until the run has checkpointed its first chunk (it is labeling the next ones)."""
    deadline = time.monotonic() + timeout
    while not (checkpoint / "00000001.json").exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert process.poll() is None, "the run ended before it could be interrupted"


@pytest.mark.slow
def test_an_interrupted_batch_leaves_no_output_and_resumes(corpus, small_model, tmp_path):
    """Ctrl-C (SIGINT): one line, no output and no temporary file; the finished chunks stay in the
    checkpoint and --resume completes the run. (SIGKILL at several points: test_batch_resume.)"""
    source = tmp_path / "in.csv"
    rows = corpus.head(100).assign(description=lambda f: f["description"] + " Ref " + f.index.astype(str))
    rows.to_csv(source, index=False)
    output, checkpoint = tmp_path / "out.csv", tmp_path / "out.csv.checkpoint"
    process = start_batch(source, output, small_model)
    wait_for_a_finished_chunk(checkpoint, process)
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode != 0 and b"Traceback" not in stderr
    assert not output.exists() and not (tmp_path / "out.csv.errors.jsonl").exists()
    assert not list(tmp_path.glob("**/.*.partial"))
    summary = run_batch(
        BatchInput(source), output, tmp_path / "out.csv.errors.jsonl", small_model, chunk_rows=8, resume=True
    )
    assert summary.labeled == 100 and summary.errors == 0 and summary.resumed >= 8
    with open(output, encoding="utf-8", newline="") as handle:
        assert [row["id"] for row in csv.DictReader(handle)] == corpus.head(100)["id"].tolist()
    assert not checkpoint.exists()


def test_training_drops_duplicate_and_conflicting_rows_with_counted_warnings(tiny_csv, tmp_path):
    frame = pd.read_csv(tiny_csv, dtype=str, keep_default_na=False)
    conflict = frame.iloc[[0]].assign(
        label="ai_scientist" if frame.iloc[0]["label"] != "ai_scientist" else "ml_engineer"
    )
    data = tmp_path / "dups.csv"
    pd.concat([frame, frame.iloc[:3], conflict], ignore_index=True).to_csv(data, index=False)
    result = CliRunner().invoke(
        cli, ["train", "--data", str(data), "--model", str(tmp_path / "m.joblib"), "--no-cv"]
    )
    assert result.exit_code == 0, result.output
    assert "3 duplicate row(s) (same title, description and label) dropped" in result.stderr
    assert "2 row(s) give the same posting different labels; all of them dropped" in result.stderr
    assert f"trained on {len(frame) - 1} postings" in result.stdout


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"


def test_a_directory_with_non_text_files_labels_the_postings_and_lists_the_rest(small_model, tmp_path):
    folder = tmp_path / "postings"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "Title: Data Scientist\nWe analyse churn with SQL and Python.", encoding="utf-8"
    )
    (folder / "b.png").write_bytes(PNG)
    (folder / "c.txt").write_bytes("Caf\xe9 analytics with SQL.".encode("latin-1"))
    (folder / "d.txt").write_text("SQL " * 300_000, encoding="utf-8")
    output = tmp_path / "out.jsonl"
    result = run("batch", folder, "-o", output, "--model", small_model, "--jobs", "1", "--quiet")
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["id"] for line in output.read_text().splitlines()] == ["a.txt"]
    errors = {e["id"]: e["reason"] for e in map(json.loads, (tmp_path / "out.jsonl.errors.jsonl").open())}
    assert errors["b.png"] == "looks like a binary file, not a text posting"
    assert errors["c.txt"].startswith("is not UTF-8 text (undecodable byte 0xe9")
    assert "over --max-chars" in errors["d.txt"]


def test_duplicate_ids_are_kept_and_every_row_is_labeled(small_model, tmp_path):
    records = [
        {"id": "same", "text": "We analyse churn with SQL."},
        {"id": "same", "text": "Deploy models on Kubernetes."},
    ]
    rows = batch_rows(tmp_path, small_model, records, "--fields", "id,label")
    assert [row["id"] for row in rows] == ["same", "same"]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "the posting is empty"),
        (b"   \n\t \n", "the posting is empty"),
        (PNG, "looks like a binary file"),
        ("Caf\xe9 with SQL".encode("latin-1"), "is not UTF-8 text (undecodable byte 0xe9 at offset 3)"),
    ],
)
def test_unreadable_posting_files_are_one_line_errors(small_model, tmp_path, content, message):
    path = tmp_path / "posting.txt"
    path.write_bytes(content)
    one_line_error(run("predict", path, "--model", small_model), message)


def test_utf16_with_a_bom_is_read(small_model, tmp_path):
    path = tmp_path / "posting.txt"
    path.write_bytes("Title: Data Scientist\nWe analyse churn with SQL and Python.".encode("utf-16"))
    result = run("predict", path, "--model", small_model, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["title"] == "Data Scientist"


@pytest.mark.parametrize("writing", ["a part", "the output"])
def test_a_full_disk_mid_batch_is_one_line_and_leaves_no_file_but_the_checkpoint(
    small_model, tmp_path, monkeypatch, writing
):
    from jobclass.batch import checkpoint, writers

    def full_disk(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    if writing == "a part":
        real_fsync, calls = os.fsync, []

        def fsync(handle):  # the state and the first part are written; the second part fails
            calls.append(handle)
            return real_fsync(handle) if len(calls) < 3 else full_disk()

        monkeypatch.setattr(checkpoint.os, "fsync", fsync)
    else:
        monkeypatch.setattr(writers.RowWriter, "write", full_disk)
    output = tmp_path / "out.csv"
    args = ("batch", EXAMPLES_DIR, "-o", output, "--model", small_model, "--jobs", "1", "--quiet")
    one_line_error(run(*args, "--chunk-size", "2"), "No space left on device")
    assert [path.name for path in tmp_path.iterdir()] == ["out.csv.checkpoint"]
    assert not list(tmp_path.glob("**/.*.partial"))
    monkeypatch.undo()  # space freed
    result = run(*args, "--chunk-size", "2", "--resume")
    assert result.exit_code == 0, result.output
    assert "read 4, labeled 4, errors 0" in result.stderr
    assert f"({2 if writing == 'a part' else 4} rows from the checkpoint)" in result.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out.csv", "out.csv.errors.jsonl"]


def test_an_output_path_that_is_a_folder_is_one_line(small_model, tmp_path):
    folder = tmp_path / "out.csv"
    folder.mkdir()
    result = run("batch", EXAMPLES_DIR, "-o", folder, "--model", small_model, "--jobs", "1", "--quiet")
    one_line_error(result, "is a directory")


def test_a_truncated_model_file_is_refused_before_unpickling(small_model, tmp_path):
    import shutil

    from jobclass.persist import manifest_path, scoring_path

    model = tmp_path / "m.joblib"
    model.write_bytes(small_model.read_bytes()[: small_model.stat().st_size // 2])
    shutil.copy(manifest_path(small_model), manifest_path(model))
    shutil.copy(scoring_path(small_model), scoring_path(model))
    one_line_error(run("predict", EXAMPLES_DIR / "ml_engineer.txt", "--model", model), "retrain it")
