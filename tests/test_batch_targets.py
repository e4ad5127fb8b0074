"""Batch never writes over its input: the output, errors file, HTML folder under any name; symlinks."""

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobclass.batch.dask_engine import run_dask
from jobclass.batch.readers import Columns
from jobclass.batch.runner import FIELDS
from jobclass.cli import cli
from jobclass.errors import InputError

from .conftest import EXAMPLES

TEXT = "We analyse churn with SQL and Python and build dashboards for the product teams."


def run(*args):
    return CliRunner().invoke(cli, [str(arg) for arg in args])


@pytest.fixture
def inputs(tmp_path, monkeypatch) -> Path:
    """postings.jsonl, a symlink and a hard link to it, a folder of postings and a symlink to it, in the
    working directory."""
    monkeypatch.chdir(tmp_path)
    Path("postings.jsonl").write_text(json.dumps({"id": "a", "text": TEXT}) + "\n", encoding="utf-8")
    os.symlink("postings.jsonl", "link.jsonl")
    os.link("postings.jsonl", "hard.jsonl")
    shutil.copytree(EXAMPLES, "folder")
    os.symlink("folder", "to-folder")
    os.mkdir("sub")
    return tmp_path


CLOBBERING = [
    (["postings.jsonl", "-o", "postings.jsonl"], "-o postings.jsonl is the input file postings.jsonl;"),
    (["postings.jsonl", "-o", "./sub/../postings.jsonl"], "is the input file postings.jsonl;"),
    (
        ["postings.jsonl", "-o", "link.jsonl"],
        "-o link.jsonl is the input file postings.jsonl (a symlink to it)",
    ),
    (
        ["postings.jsonl", "-o", "hard.jsonl"],
        "-o hard.jsonl is the input file postings.jsonl (a hard link to it)",
    ),
    (["link.jsonl", "-o", "out.jsonl", "--errors", "postings.jsonl"], "--errors postings.jsonl is the input"),
    (["folder", "-o", "out.csv", "--html-dir", "to-folder"], "--html-dir to-folder is the input folder"),
    (["folder", "-o", "folder/out.csv"], "-o folder/out.csv lies inside the input folder folder"),
    (["folder", "-o", "out.csv", "--errors", "folder/e.jsonl"], "--errors folder/e.jsonl lies inside"),
    (["folder", "-o", "out.csv", "--html-dir", "folder"], "--html-dir folder is the input folder folder"),
    (["folder", "-o", "out.csv", "--html-dir", "folder/html"], "--html-dir folder/html lies inside"),
    (["postings.jsonl", "-o", "out.jsonl", "--errors", "./out.jsonl"], "-o and --errors are the same file"),
    (["postings.jsonl", "-o", "postings.jsonl", "--engine", "dask"], "-o postings.jsonl is the input file"),
]


@pytest.mark.parametrize("args, message", CLOBBERING, ids=[" ".join(args) for args, _ in CLOBBERING])
def test_a_run_that_would_write_over_its_input_is_refused_before_anything_is_read(inputs, args, message):
    before = {path: path.read_bytes() for path in inputs.rglob("*") if path.is_file()}
    # A model that does not exist: the refusal must come before the model (or the input) is read.
    result = run("batch", *args, "--model", "no-such-model.joblib", "--jobs", 1)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: ") and len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr and "Traceback" not in result.stderr
    after = {path: path.read_bytes() for path in inputs.rglob("*") if path.is_file()}
    assert after == before  # nothing written, nothing changed
    assert os.path.islink("link.jsonl") and os.stat("hard.jsonl").st_nlink == 2


def test_the_dask_engine_refuses_an_output_that_is_one_of_its_input_files(inputs):
    for name in ("a.csv", "b.csv"):
        Path(name).write_text(f"id,text\n{name},{TEXT}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"-o b.csv is the input file b.csv"):
        run_dask("*.csv", "b.csv", "b.csv.errors.jsonl", "no-such-model.joblib", Columns(), FIELDS, 1)
    assert Path("b.csv").read_text(encoding="utf-8") == f"id,text\nb.csv,{TEXT}\n"


def test_an_output_symlink_is_written_through_to_its_target(inputs, small_model):
    os.symlink("labeled.jsonl", "current.jsonl")  # dangling until the run writes its target
    result = run("batch", "postings.jsonl", "-o", "current.jsonl", "--model", small_model, "--jobs", 1)
    assert result.exit_code == 0, result.output
    assert os.path.islink("current.jsonl") and os.readlink("current.jsonl") == "labeled.jsonl"
    assert [json.loads(line)["id"] for line in Path("labeled.jsonl").read_text().splitlines()] == ["a"]
    assert Path("postings.jsonl").read_text(encoding="utf-8") == json.dumps({"id": "a", "text": TEXT}) + "\n"


@pytest.mark.parametrize(
    "output, message",
    [
        ("out.xlsx", "out.xlsx: unknown output format"),
        ("missing/out.csv", "missing/out.csv: the folder"),
        ("taken.csv", "taken.csv: is a directory"),
    ],
)
def test_an_output_that_cannot_be_written_is_refused_before_the_run(inputs, output, message):
    """Outputs are assembled at the end of a run: a bad one must fail first, not after every row."""
    os.mkdir("taken.csv")
    result = run("batch", "postings.jsonl", "-o", output, "--model", "no-such-model.joblib", "--jobs", 1)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"Error: {message}") and len(result.stderr.strip().splitlines()) == 1
    assert not Path(f"{output}.checkpoint").exists()
