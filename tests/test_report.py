"""HTML evidence reports: content, escaping, the CLI and batch, and a real headless Chromium."""

import base64
import hashlib
import html
import json
import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from jobclass.analysis import analyse
from jobclass.cli import cli
from jobclass.report import SORT_SCRIPT, report_file_name, report_html
from jobclass.text import Posting

from .conftest import EXAMPLES

HOSTILE = (
    "Machine Learning Engineer\n\nRequirements:\n- Python, PyTorch and Kubernetes for deploying models.\n"
    "- <script>document.body.setAttribute('data-pwned', 'script')</script> is our house style.\n"
    "- <img src=x onerror=\"document.body.setAttribute('data-pwned', 'img')\"> Docker & \"quotes\".\n"
    "Nice to have: Apache Spark and Airflow.\n"
)


@pytest.fixture(scope="module")
def hostile_html(model):
    posting = Posting(HOSTILE, 'Senior ML Engineer <b onmouseover="x()">', "hostile.txt")
    return report_html(posting.text, analyse([posting], model)[0])


def run(*args):
    return CliRunner().invoke(cli, [str(arg) for arg in args])


def test_report_escapes_every_piece_of_posting_text(hostile_html):
    assert "<script>document" not in hostile_html and "<img" not in hostile_html
    assert "&lt;script&gt;document.body.setAttribute(&#x27;data-pwned&#x27;" in hostile_html
    assert "&lt;img src=x onerror=" in hostile_html
    assert "Senior ML Engineer &lt;b onmouseover=&quot;x()&quot;&gt;" in hostile_html
    assert "<b onmouseover" not in hostile_html
    assert "</mark> &amp; &quot;quotes&quot;" in hostile_html  # after the highlighted "Docker"


def test_report_runs_no_script_and_fetches_nothing(hostile_html):
    assert "<script" not in hostile_html
    assert "script-src 'none'" in hostile_html and "default-src 'none'" in hostile_html
    assert not re.search(r"(src|href)=\"(https?:)?//", hostile_html)
    assert "<link" not in hostile_html


def test_report_shows_skills_sections_probabilities_profiles_framing_and_terms(hostile_html):
    for element in ('id="probabilities"', 'id="framing"', 'id="profiles"', 'id="terms"', 'id="skills"'):
        assert element in hostile_html
    assert re.search(
        r'<mark class="skill need-required" data-skill="pytorch"[^>]*>PyTorch</mark>', hostile_html
    )
    assert re.search(r'<mark class="skill need-preferred" data-skill="spark"', hostile_html)
    assert 'data-kind="requirements"' in hostile_html
    assert hostile_html.count('class="profile"') == 4
    assert ">Against<" in hostile_html and ">For ml_engineer<" in hostile_html


def test_highlighted_text_is_the_posting_text(hostile_html):
    posting = re.search(r'<div class="posting" id="posting-text">(.*)</div>', hostile_html, re.S).group(1)
    without_labels = re.sub(r'<span class="section-label">[^<]*</span>', "", posting)
    text = re.sub(r"<[^>]+>", "", without_labels)
    assert html.unescape(text) == HOSTILE


def test_report_file_names_are_safe_and_unique():
    assert report_file_name(3, "../../etc/passwd") == "0000003-etc_passwd.html"
    assert report_file_name(4, "a b/c") == "0000004-a_b_c.html"
    assert report_file_name(5, "") == "0000005-posting.html"


def test_report_command_writes_one_page(small_model, tmp_path):
    output = tmp_path / "report.html"
    result = run("report", EXAMPLES / "ml_scientist.txt", "-o", output, "--model", small_model)
    assert result.exit_code == 0, result.output
    html = output.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and "Applied Scientist II, Marketplace Pricing" in html


def test_predict_html_writes_the_report_and_refuses_several_postings(small_model, tmp_path):
    output = tmp_path / "p.html"
    result = run("predict", EXAMPLES / "ml_engineer.txt", "--html", output, "--model", small_model)
    assert result.exit_code == 0, result.output
    assert "label:" in result.stdout and 'id="probabilities"' in output.read_text(encoding="utf-8")
    two = run("predict", EXAMPLES / "ml_engineer.txt", EXAMPLES / "ml_scientist.txt", "--html", output)
    assert two.exit_code == 1 and "one PATH" in two.stderr


def test_report_into_a_missing_folder_is_a_one_line_error(small_model, tmp_path):
    result = run(
        "report", EXAMPLES / "ml_engineer.txt", "-o", tmp_path / "no" / "r.html", "--model", small_model
    )
    assert result.exit_code == 1 and result.stderr.startswith("Error: ")
    assert "does not exist" in result.stderr and "Traceback" not in result.stderr


def test_batch_html_dir_writes_a_report_per_posting_and_a_sortable_index(small_model, tmp_path):
    folder = tmp_path / "html"
    data = tmp_path / "in.jsonl"
    rows = [
        {"id": "a/1", "title": "Data Scientist", "text": "Analyse churn with SQL and Python for marketing."}
    ]
    rows += [{"id": "b<2>", "title": "ML Engineer", "text": "Deploy models with Docker and Kubernetes."}]
    rows += [{"id": "bad", "title": "x", "text": ""}]
    data.write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8")
    result = run("batch", data, "-o", tmp_path / "out.csv", "--html-dir", folder, "--model", small_model,
                 "--jobs", "1", "--quiet")  # fmt: skip
    assert result.exit_code == 0, result.output
    reports = sorted(path.name for path in folder.glob("*.html"))
    assert reports == ["0000001-a_1.html", "0000002-b_2.html", "index.html"]
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert index.count("<tr><td><a href=") == 2 and "b&lt;2&gt;" in index
    digest = base64.b64encode(hashlib.sha256(SORT_SCRIPT.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in index and f"<script>{SORT_SCRIPT}</script>" in index
    assert 'id="distribution"' in index


def test_batch_html_dir_is_refused_with_the_dask_engine(small_model, tmp_path):
    html_dir = tmp_path / "h"
    result = run("batch", EXAMPLES, "-o", tmp_path / "o.csv", "--html-dir", html_dir, "--engine", "dask",
                 "--model", small_model)  # fmt: skip
    assert result.exit_code == 1 and "local engine" in result.stderr


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def chromium(*args, profile):
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", f"--user-data-dir={profile}", *args]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (.ci/run installs it)")
def test_report_in_headless_chromium_renders_and_runs_nothing(hostile_html, tmp_path):
    page = tmp_path / "report.html"
    page.write_text(hostile_html, encoding="utf-8")
    dom = chromium("--dump-dom", page.as_uri(), profile=tmp_path / "profile-dom").stdout
    assert 'id="probabilities"' in dom and '<mark class="skill need-required" data-skill="pytorch"' in dom
    assert "data-pwned=" not in dom.split("</head>")[1].split(">")[0]  # the <body> tag kept no attribute
    assert "<img" not in dom and "<script" not in dom  # the hostile tags stayed text
    assert "&lt;script&gt;document.body.setAttribute" in dom
    screenshot = tmp_path / "report.png"
    chromium("--window-size=1280,2000", f"--screenshot={screenshot}", page.as_uri(), profile=tmp_path / "p2")
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and screenshot.stat().st_size > 20_000
