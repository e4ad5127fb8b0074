"""Checkpoints and --resume: a run cut short, by a failure or a real SIGKILL at several points, resumes
after its last finished chunk and writes the same bytes as an uninterrupted run; a changed input or
changed options are refused; a stale checkpoint is left alone."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobclass.batch import runner
from jobclass.batch.readers import BatchInput
from jobclass.cli import cli
from jobclass.errors import InputError

CHUNK = 2


def run(*args):
    return CliRunner().invoke(cli, [str(arg) for arg in args])


def write_postings(corpus, path: Path, rows: int, blank: int = 0) -> Path:
    """`rows` unique corpus postings as CSV, the fourth one with an empty text (an error row), then
    `blank` more rows with an empty text."""
    frame = corpus.head(rows + blank).assign(
        description=lambda f: f["description"] + " Ref " + f.index.astype(str)
    )
    frame.loc[3, "description"] = ""
    frame.loc[rows:, "description"] = ""
    frame.to_csv(path, index=False)
    return path


def snapshot(folder: Path) -> dict:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


def fail_at_chunk(monkeypatch, number: int) -> None:
    """Make the run fail (a crash) when it reaches chunk `number`."""
    real, calls = runner.label_chunk, []

    def failing(rows, model, fields, html_dir=None):
        calls.append(1)
        if len(calls) == number:
            raise OSError("disk full")
        return real(rows, model, fields, html_dir)

    monkeypatch.setattr(runner, "label_chunk", failing)


def interrupted(monkeypatch, source, output, model, at=3, **options):
    fail_at_chunk(monkeypatch, at)
    with pytest.raises(OSError, match="disk full"):
        runner.run_batch(
            BatchInput(source), output, f"{output}.errors.jsonl", model, chunk_rows=CHUNK, **options
        )
    monkeypatch.undo()


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_a_run_cut_short_resumes_with_the_bytes_of_an_uninterrupted_run(
    corpus, small_model, tmp_path, monkeypatch, suffix
):
    source = write_postings(corpus, tmp_path / "in.csv", 9)
    whole, cut = tmp_path / "whole", tmp_path / "cut"
    whole.mkdir(), cut.mkdir()
    html = {"html_dir": whole / "html"}
    runner.run_batch(
        BatchInput(source), whole / f"out{suffix}", whole / "e.jsonl", small_model, chunk_rows=CHUNK, **html
    )

    interrupted(monkeypatch, source, cut / f"out{suffix}", small_model, html_dir=cut / "html")
    checkpoint = cut / f"out{suffix}.checkpoint"
    assert sorted(path.name for path in cut.iterdir()) == ["html", checkpoint.name]  # no output yet
    assert sorted(path.name for path in checkpoint.iterdir()) == [
        "00000001.json",
        "00000002.json",
        "state.json",
    ]

    notices = []
    summary = runner.run_batch(
        BatchInput(source), cut / f"out{suffix}", cut / "e.jsonl", small_model, chunk_rows=CHUNK,
        html_dir=cut / "html", resume=True, notify=notices.append,
    )  # fmt: skip
    assert notices == [f"resuming from {checkpoint}: 4 rows done, labeling from row 5"]
    assert (summary.read, summary.labeled, summary.errors, summary.resumed) == (9, 8, 1, 4)
    assert (cut / f"out{suffix}").read_bytes() == (whole / f"out{suffix}").read_bytes()
    assert (cut / "e.jsonl").read_bytes() == (whole / "e.jsonl").read_bytes()
    assert snapshot(cut / "html") == snapshot(whole / "html")  # the index lists the resumed rows too
    assert not checkpoint.exists()


def test_a_changed_input_is_refused_and_the_message_says_what_changed(
    corpus, small_model, tmp_path, monkeypatch
):
    source = write_postings(corpus, tmp_path / "in.csv", 9)
    output = tmp_path / "out.csv"
    interrupted(monkeypatch, source, output, small_model)
    kept = snapshot(tmp_path / "out.csv.checkpoint")
    size, added = source.stat().st_size, "x9,Data Scientist,We analyse churn with SQL.\n"
    with source.open("a", encoding="utf-8") as handle:
        handle.write(added)
    result = run("batch", source, "-o", output, "--model", small_model, "--chunk-size", CHUNK, "--resume")
    assert result.exit_code == 1, result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert "cannot resume from" in result.stderr and "the input changed (size" in result.stderr
    assert f"size {size:,} -> {size + len(added):,}" in result.stderr and "first/last MiB" in result.stderr
    assert snapshot(tmp_path / "out.csv.checkpoint") == kept and not output.exists()


def test_changed_fields_are_refused(corpus, small_model, tmp_path, monkeypatch):
    source = write_postings(corpus, tmp_path / "in.csv", 9)
    output = tmp_path / "out.jsonl"
    interrupted(monkeypatch, source, output, small_model, fields=["id", "label"])
    result = run(
        "batch", source, "-o", output, "--model", small_model, "--chunk-size", CHUNK, "--resume",
        "--fields", "id,label,framing",
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    assert result.stderr.strip().splitlines() == [
        f"Error: cannot resume from {output}.checkpoint: --fields was id,label, now id,label,framing; "
        "rerun with the same options, or delete the checkpoint folder to start again"
    ]
    with pytest.raises(InputError, match="--chunk-size was 2, now 3"):
        runner.run_batch(
            BatchInput(source), output, f"{output}.errors.jsonl", small_model, ["id", "label"], chunk_rows=3,
            resume=True,
        )  # fmt: skip


def test_resume_without_a_checkpoint_starts_fresh(corpus, small_model, tmp_path):
    source = write_postings(corpus, tmp_path / "in.csv", 5)
    output = tmp_path / "out.csv"
    result = run("batch", source, "-o", output, "--model", small_model, "--jobs", 1, "--resume")
    assert result.exit_code == 0, result.output
    assert f"no checkpoint at {output}.checkpoint: starting at row 1" in result.stderr
    assert "read 5, labeled 4, errors 1" in result.stderr and "from the checkpoint" not in result.stderr
    assert len(output.read_text(encoding="utf-8").splitlines()) == 5  # the header and 4 rows
    assert sorted(path.name for path in tmp_path.iterdir()) == ["in.csv", "out.csv", "out.csv.errors.jsonl"]


def test_a_stale_checkpoint_is_reported_and_left_alone_without_resume(
    corpus, small_model, tmp_path, monkeypatch
):
    source = write_postings(corpus, tmp_path / "in.csv", 9)
    output = tmp_path / "out.csv"
    interrupted(monkeypatch, source, output, small_model)
    kept = snapshot(tmp_path / "out.csv.checkpoint")
    result = run("batch", source, "-o", output, "--model", small_model, "--jobs", 1, "--chunk-size", CHUNK)
    assert result.exit_code == 0, result.output
    assert (
        f"warning: {output}.checkpoint holds 2 finished chunks of an interrupted run: left alone"
        in result.stderr
    )
    assert "read 9, labeled 8, errors 1" in result.stderr
    assert snapshot(tmp_path / "out.csv.checkpoint") == kept


def test_a_damaged_checkpoint_is_a_one_line_error_naming_the_part(corpus, small_model, tmp_path, monkeypatch):
    source = write_postings(corpus, tmp_path / "in.csv", 9)
    output = tmp_path / "out.csv"
    interrupted(monkeypatch, source, output, small_model)
    part = tmp_path / "out.csv.checkpoint" / "00000002.json"
    part.write_text(part.read_text(encoding="utf-8")[:100], encoding="utf-8")  # cut short
    result = run("batch", source, "-o", output, "--model", small_model, "--chunk-size", CHUNK, "--resume")
    assert result.exit_code == 1, result.output
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert f"{part}: unreadable" in result.stderr and "delete the checkpoint folder" in result.stderr
    assert not output.exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["-", "-o", "out.csv"], "--resume needs an input file and an output file (not -)"),
        (["in.csv", "-o", "-"], "--resume needs an input file and an output file (not -)"),
        (["in.csv", "-o", "out.csv", "--engine", "dask"], "--resume works with the local engine only"),
    ],
)
def test_resume_is_refused_where_there_can_be_no_checkpoint(
    small_model, tmp_path, monkeypatch, args, message
):
    monkeypatch.chdir(tmp_path)
    Path("in.csv").write_text("id,text\na,We analyse churn with SQL.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["batch", *args, "--model", str(small_model), "--resume"], input="")
    assert result.exit_code == 1, result.output
    assert result.stderr.strip().splitlines() == [f"Error: {message}"]


# Real kills: a `jobclass batch` process is stopped (SIGSTOP) again and again, its checkpoint looked at
# while it stands still, and killed (SIGKILL) at the first moment the wanted state shows.


def start_batch(source, output, model):
    command = [sys.executable, "-m", "jobclass", "batch", str(source), "-o", str(output),
               "--model", str(model), "--jobs", "1", "--quiet", "--chunk-size", str(CHUNK)]  # fmt: skip
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def stopped(pid: int) -> bool:
    """Whether the process stands still: stopped, or already ended (a zombie)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
        return handle.read().rsplit(")", 1)[1].split()[0] in ("T", "Z")


def kill_when(process, near, seen) -> None:
    """Look every 20 ms until `near()` holds, then as often as possible, each time while the run is
    stopped, and SIGKILL it at the first moment `seen()` holds: the kill lands in exactly that state."""
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, f"the run ended before the point was reached: {process.communicate()}"
        assert time.monotonic() < deadline
        if not near():
            time.sleep(0.02)
            continue
        os.killpg(process.pid, signal.SIGSTOP)
        while not stopped(process.pid):
            time.sleep(0.0001)
        if seen():
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
            return
        os.killpg(process.pid, signal.SIGCONT)


def names(folder: Path, pattern: str) -> list[str]:
    return [path.name for path in folder.glob(pattern)]


POSTINGS, BLANK = 12, 600
ROWS = POSTINGS + BLANK


@dataclass(frozen=True)
class KillPoint:
    """A moment to kill a run at, as its checkpoint folder `ckpt` (or the output's folder `out`) shows
    it; when it is near; and how many rows the resumed run then takes from the checkpoint."""

    seen: Callable[[Path, Path], bool]
    near: Callable[[Path, Path], bool]
    resumed: Callable[[int], bool]


def parts(ckpt: Path) -> int:
    return len(names(ckpt, "0*.json"))


KILL_POINTS = {
    "early": KillPoint(
        lambda ckpt, out: (ckpt / "state.json").exists() and not parts(ckpt),
        lambda ckpt, out: (ckpt / "state.json").exists(),
        lambda rows: rows == 0,
    ),
    "mid-chunk": KillPoint(
        lambda ckpt, out: parts(ckpt) >= 3 and not names(ckpt, ".*"),
        lambda ckpt, out: parts(ckpt) >= 3,
        lambda rows: 6 <= rows < ROWS,
    ),
    "renaming a part": KillPoint(
        lambda ckpt, out: bool(names(ckpt, ".0*.json.partial")),
        lambda ckpt, out: parts(ckpt) >= 1,
        lambda rows: rows < ROWS,
    ),
    "renaming the output": KillPoint(
        lambda ckpt, out: bool(names(out, ".out.csv.*.partial")),
        lambda ckpt, out: parts(ckpt) >= ROWS // 2 - 50,
        lambda rows: rows == ROWS,
    ),
}


@pytest.fixture(scope="module")
def uninterrupted(corpus, small_model, tmp_path_factory) -> tuple[Path, bytes, bytes]:
    folder = tmp_path_factory.mktemp("uninterrupted")
    # The blank rows cost nothing to label but give the final assembly 300 more parts to read: long
    # enough for the run to be caught while it writes its outputs.
    source = write_postings(corpus, folder / "in.csv", POSTINGS, BLANK)
    output = folder / "out.csv"
    runner.run_batch(BatchInput(source), output, folder / "e.jsonl", small_model, chunk_rows=CHUNK)
    return source, output.read_bytes(), (folder / "e.jsonl").read_bytes()


@pytest.mark.slow
@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_a_run_killed_at_any_point_resumes_to_the_same_bytes(uninterrupted, small_model, tmp_path, point):
    source, expected_output, expected_errors = uninterrupted
    output, errors = tmp_path / "out.csv", tmp_path / "out.csv.errors.jsonl"
    checkpoint = tmp_path / "out.csv.checkpoint"
    kill = KILL_POINTS[point]
    process = start_batch(source, output, small_model)
    kill_when(process, lambda: kill.near(checkpoint, tmp_path), lambda: kill.seen(checkpoint, tmp_path))
    assert process.returncode == -signal.SIGKILL
    # The output appears last: the errors file, renamed just before it, may already be in place.
    assert not output.exists() and (point == "renaming the output" or not errors.exists())
    assert kill.seen(checkpoint, tmp_path)  # the state the run was killed in, e.g. a half-written part

    notices = []
    summary = runner.run_batch(
        BatchInput(source), output, errors, small_model, chunk_rows=CHUNK, resume=True, notify=notices.append
    )
    assert notices[0].startswith(f"resuming from {checkpoint}: ")
    assert (summary.read, summary.labeled, summary.errors) == (ROWS, POSTINGS - 1, BLANK + 1)
    assert kill.resumed(summary.resumed), summary.resumed
    assert output.read_bytes() == expected_output and errors.read_bytes() == expected_errors
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out.csv", "out.csv.errors.jsonl"]
