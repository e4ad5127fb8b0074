"""The wheel as a user gets it: built once with `python -m build` (sdist, then the wheel from the sdist),
installed into a fresh virtual environment, and run from another folder.

The fresh venv gets jobclass from the wheel only (`--no-deps`); its dependencies (spaCy, scikit-learn, ...)
come from this project's venv through a .pth file, so nothing is downloaded.
"""

import json
import os
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

from .conftest import CORPUS, EXAMPLES, ROOT

CALIBRATION = ROOT / "data" / "calibration_postings.csv"

pytestmark = pytest.mark.slow


def run(*command, **kwargs):
    return subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, timeout=300, **kwargs
    )


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    built = run(sys.executable, "-m", "build", "--no-isolation", "--outdir", out, ROOT)
    assert built.returncode == 0, built.stdout + built.stderr
    return out


@pytest.fixture(scope="module")
def venv(dist, tmp_path_factory) -> Path:
    """A fresh venv with the wheel installed; returns its folder."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    assert run(sys.executable, "-m", "venv", "--without-pip", venv).returncode == 0
    [wheel] = dist.glob("*.whl")
    installed = run(sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "--quiet",
                    "--no-deps", "--no-index", wheel)  # fmt: skip
    assert installed.returncode == 0, installed.stderr
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = Path(run(venv / "bin" / "python", "-c", purelib).stdout.strip())
    (site / "project-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return venv


def user_environment(**variables) -> dict:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("JOBCLASS_")}
    return environment | variables


def package_files(venv: Path) -> set[str]:
    package = next(venv.glob("lib/python*/site-packages/jobclass"))
    return {str(path.relative_to(package)) for path in package.rglob("*") if "__pycache__" not in path.parts}


def test_the_sdist_and_the_wheel_carry_the_corpus_and_the_calibration_postings(dist):
    [wheel] = dist.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        assert archive.read("jobclass/data/labeled_postings.csv") == CORPUS.read_bytes()
        assert archive.read("jobclass/data/calibration_postings.csv") == CALIBRATION.read_bytes()
    assert {"jobclass/data/skills.jsonl", "jobclass/data/profiles.toml", "jobclass/serve/app.py"} <= set(
        names
    )
    assert not [name for name in names if name.startswith(("data/", "tests/", "models/"))]
    [sdist] = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        for source in (CORPUS, CALIBRATION):
            assert archive.extractfile(f"{sdist.name[:-7]}/data/{source.name}").read() == source.read_bytes()


def test_the_installed_wheel_trains_its_default_model_on_first_use_and_predicts_from_another_folder(
    venv, tmp_path
):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "posting.txt").write_bytes((EXAMPLES / "ml_engineer.txt").read_bytes())
    environment = user_environment(JOBCLASS_HOME=str(tmp_path / "home"))
    before = package_files(venv)

    first = run(venv / "bin" / "jobclass", "predict", "posting.txt", "--json", cwd=elsewhere, env=environment)
    assert first.returncode == 0, first.stderr
    corpus = next(venv.glob("lib/python*/site-packages/jobclass/data/labeled_postings.csv"))
    assert (
        f"no model at {tmp_path / 'home' / 'jobclass.joblib'}; training one from {corpus} first"
        in first.stderr
    )
    record = json.loads(first.stdout)
    assert record["source"] == "posting.txt" and record["label"] == "ml_engineer"
    assert (tmp_path / "home" / "jobclass.json").is_file()
    assert package_files(venv) == before  # nothing written into site-packages

    second = run(
        venv / "bin" / "jobclass", "predict", "posting.txt", "--json", cwd=elsewhere, env=environment
    )
    assert second.returncode == 0 and second.stderr == ""  # the trained model is reused
    assert json.loads(second.stdout) == record


def test_without_jobclass_home_the_installed_default_model_lives_in_the_user_cache(venv, tmp_path):
    probe = "import jobclass.home as h; print(h.checkout_root()); print(h.default_model_path())"
    environment = user_environment(XDG_CACHE_HOME=str(tmp_path / "cache"))
    result = run(venv / "bin" / "python", "-c", probe, cwd=tmp_path, env=environment)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["None", str(tmp_path / "cache" / "jobclass" / "jobclass.joblib")]
