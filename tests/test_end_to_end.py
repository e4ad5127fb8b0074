"""The real commands, run as a user runs them, on small files."""

import json
import subprocess
import sys

from .conftest import EXAMPLES, ROOT


def jobclass(*args, input=None):
    return subprocess.run(
        [sys.executable, "-m", "jobclass", *map(str, args)],
        capture_output=True,
        text=True,
        input=input,
        cwd=ROOT,
        timeout=300,
    )


def test_train_then_predict_with_python_dash_m(tiny_csv, tmp_path):
    model = tmp_path / "model.joblib"
    trained = jobclass("train", "--data", tiny_csv, "--model", model)
    assert trained.returncode == 0, trained.stderr
    assert "macro-F1" in trained.stdout
    predicted = jobclass("predict", *sorted(EXAMPLES.glob("*.txt")), "--json", "--model", model)
    assert predicted.returncode == 0, predicted.stderr
    records = [json.loads(line) for line in predicted.stdout.splitlines()]
    assert len(records) == 4
    for record in records:
        assert abs(sum(record["probabilities"].values()) - 1) < 1e-3


def test_bad_input_gives_one_line_and_exit_1(small_model, tmp_path):
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    result = jobclass("predict", binary, "--model", small_model)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: {binary}: looks like a binary file, not a text posting"
    ]
