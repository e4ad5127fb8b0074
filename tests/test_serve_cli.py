"""`jobclass serve`: its options, the warning for a non-local address, and a real server with two workers."""

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from click.testing import CliRunner

from jobclass.cli import cli
from jobclass.serve import server

from .conftest import ROOT


@pytest.fixture
def served(monkeypatch):
    """Calls of the server, instead of serving."""
    calls = []
    monkeypatch.setattr(server, "serve", lambda *args: calls.append(args))
    monkeypatch.delenv("JOBCLASS_API_KEY", raising=False)
    return calls


def test_serve_binds_this_machine_only_by_default_and_loads_the_model_once(served, small_model):
    result = CliRunner().invoke(cli, ["serve", "--model", str(small_model)])
    assert result.exit_code == 0, result.output
    [(model_path, host, port, workers, api_key, model)] = served
    assert (model_path, host, port, workers, api_key) == (small_model, "127.0.0.1", 8000, 1, None)
    assert model.manifest["model_file"] == small_model.name  # loaded here, handed to the one worker
    assert result.stderr == ""


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "example.org"])
def test_serve_on_a_non_local_address_without_a_key_warns(served, small_model, host):
    result = CliRunner().invoke(cli, ["serve", "--host", host, "--model", str(small_model)])
    assert result.exit_code == 0
    assert result.stderr.startswith(f"warning: serving on {host} without --api-key")


def test_serve_with_a_key_from_the_option_or_the_environment_does_not_warn(served, small_model, monkeypatch):
    with_option = CliRunner().invoke(
        cli, ["serve", "--host", "0.0.0.0", "--api-key", "k", "--model", str(small_model)]
    )
    monkeypatch.setenv("JOBCLASS_API_KEY", "from-env")
    from_env = CliRunner().invoke(
        cli, ["serve", "--host", "0.0.0.0", "--workers", "2", "--model", str(small_model)]
    )
    assert with_option.stderr == from_env.stderr == ""
    assert [call[4] for call in served] == ["k", "from-env"]
    assert served[1][3] == 2 and served[1][5] is None  # several workers each load the model themselves


LOCAL = [("127.0.0.1", True), ("localhost", True), ("::1", True), ("127.0.0.2", True)]


@pytest.mark.parametrize("host, local", [*LOCAL, ("0.0.0.0", False), ("10.0.0.1", False), ("::", False)])
def test_is_local(host, local):
    assert server.is_local(host) is local


def test_serve_with_a_bad_model_file_is_one_line(tmp_path):
    result = CliRunner().invoke(cli, ["serve", "--model", str(tmp_path / "missing.joblib")])
    assert result.exit_code == 1 and result.stderr.startswith("Error: ") and "no model file" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def request(url, body=None, key=None):
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {key}"} if key else {})
    data = json.dumps(body).encode() if body is not None else None
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data, headers), timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_jobclass_serve_with_two_workers_and_a_key_answers_over_http(small_model, tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "jobclass", "serve", "--port", str(port), "--workers", "2",
               "--api-key", "s3cret", "--model", str(small_model)]  # fmt: skip
    log = tmp_path / "server.log"
    process = subprocess.Popen(command, cwd=ROOT, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if request(f"{url}/healthz")[0] == 200:
                    break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        else:
            pytest.fail(log.read_text())
        posting = {"text": "We deploy models to production on Kubernetes.", "title": "ML Engineer"}
        assert request(f"{url}/v1/analyse", posting)[0] == 401
        status, record = request(f"{url}/v1/analyse", posting, key="s3cret")
        assert status == 200 and record["label"] == "ml_engineer"
        statuses = {request(f"{url}/v1/analyse", posting, key="s3cret")[0] for _ in range(8)}
        assert statuses == {200}
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    output = log.read_text()
    assert output.count("Application startup complete") == 2  # two workers, each started (and loaded) once
    assert "Kubernetes" not in output  # the access log names paths, never postings
