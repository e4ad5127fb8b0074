"""The web app and HTTP API through FastAPI's TestClient: every endpoint, every refusal, the API key."""

import asyncio
import html
import json
import logging
import re

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from jobclass.analysis import analyse
from jobclass.cli import cli
from jobclass.errors import InputError
from jobclass.reader import read_text
from jobclass.serve import create_app
from jobclass.serve import worker as worker_module
from jobclass.serve.schemas import MAX_BATCH
from jobclass.serve.worker import AnalysisWorker
from jobclass.text import Posting

from .conftest import EXAMPLES

SCIENTIST = (EXAMPLES / "ml_scientist.txt").read_text(encoding="utf-8")
DASHBOARDS = "We analyse churn and build dashboards for product teams using SQL and Python."
KEY = "k3y-for-tests"


@pytest.fixture(scope="module")
def client(model):
    with TestClient(create_app(model)) as client:
        yield client


@pytest.fixture(scope="module")
def keyed(model):
    with TestClient(create_app(model, api_key=KEY)) as client:
        yield client


def cli_record(small_model, text: str, *options: str) -> dict:
    result = CliRunner().invoke(
        cli, ["predict", "-", "--json", "--model", str(small_model), *options], input=text
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def cli_error(text: bytes) -> str:
    """The reason `jobclass predict -` gives for this text, without its `Error: <stdin>: ` start."""
    result = CliRunner().invoke(cli, ["predict", "-"], input=text)
    assert result.exit_code == 1
    return result.stderr.strip().removeprefix("Error: <stdin>: ")


def test_analyse_answers_the_predict_json_record(client, small_model):
    response = client.post("/v1/analyse", json={"text": DASHBOARDS, "title": "Data Analyst", "id": "a1"})
    assert response.status_code == 200
    record = response.json()
    assert record == cli_record(small_model, DASHBOARDS, "--title", "Data Analyst") | {"source": "a1"}
    assert record["label"] == "data_scientist" and record["framing"]["verdict"] == "consistent"


def test_analyse_reads_a_title_line_and_html_as_the_cli_does(client, small_model):
    text = (
        "Title: Applied Scientist\n<p>We build <b>causal inference</b> models.</p><ul><li>PyTorch</li></ul>"
    )
    record = client.post("/v1/analyse", json={"text": text}).json()
    assert record == cli_record(small_model, text) | {"source": "<text>"}
    assert record["title"] == "Applied Scientist"
    assert client.post("/v1/analyse", json={"text": DASHBOARDS, "id": 42}).json()["source"] == "42"


def test_batch_answers_every_posting_in_order_each_with_its_own_error(client):
    postings = [
        {"id": "ds", "text": DASHBOARDS},
        {"id": "empty", "text": " \n "},
        {"id": "binary", "text": "PNG\u0000\u0001data"},
        {"text": SCIENTIST},
    ]
    response = client.post("/v1/analyse/batch", json={"postings": postings})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [result["id"] for result in results] == ["ds", "empty", "binary", None]
    assert results[1] == {"id": "empty", "record": None, "error": "empty: the posting is empty (no words)"}
    assert results[2]["error"] == "binary: looks like a binary file, not a text posting"
    for result, posting in zip([results[0], results[3]], [postings[0], postings[3]], strict=True):
        assert result["error"] is None
        assert result["record"] == client.post("/v1/analyse", json=posting).json()
    assert results[3]["record"]["label"] == "ml_scientist"


def test_a_batch_over_1000_postings_or_with_none_is_refused_naming_the_field(client):
    many = client.post("/v1/analyse/batch", json={"postings": [{"text": "x"}] * (MAX_BATCH + 1)})
    assert many.status_code == 422 and many.json()["detail"].startswith(
        "postings: List should have at most 1000"
    )
    none = client.post("/v1/analyse/batch", json={"postings": []})
    assert none.status_code == 422 and none.json()["detail"].startswith("postings: ")


def test_a_batch_of_1000_postings_is_answered_in_full(client):
    postings = [{"id": i, "text": f"{DASHBOARDS} Team {i}." if i % 100 else ""} for i in range(MAX_BATCH)]
    results = client.post("/v1/analyse/batch", json={"postings": postings}).json()["results"]
    assert [result["id"] for result in results] == list(range(MAX_BATCH))
    assert sum(result["error"] is not None for result in results) == 10
    assert all(result["record"]["label"] == "data_scientist" for result in results if result["id"] % 100)


def test_profiles_are_what_profiles_json_prints(client):
    printed = CliRunner().invoke(cli, ["profiles", "--json"]).stdout.splitlines()
    assert client.get("/v1/profiles").json() == [json.loads(line) for line in printed]


def test_healthz_names_the_model_served(client, model):
    health = client.get("/healthz").json()
    assert health["status"] == "ok"
    assert health["model"]["sha256"] == model.manifest["model_sha256"]
    assert health["model"]["training_rows"] == model.manifest["training_data"]["rows"]


def test_the_openapi_schema_and_the_docs_page_cover_every_endpoint_and_load_nothing(client):
    schema = client.get("/openapi.json").json()
    endpoints = {"/", "/report", "/docs", "/healthz", "/v1/analyse", "/v1/analyse/batch", "/v1/profiles"}
    assert set(schema["paths"]) == endpoints
    assert set(schema["paths"]["/v1/analyse"]["post"]["responses"]) >= {"200", "400", "413", "422"}
    page = client.get("/docs")
    assert page.status_code == 200 and "default-src 'none'" in page.headers["content-security-policy"]
    for path in endpoints:
        assert f"{path}</code></h2>" in page.text
    assert 'id="schema-PostingIn"' in page.text and "<script" not in page.text
    assert not re.search(r"(src|href)=\"(https?:)?//", page.text)
    assert client.get("/redoc").status_code == 404  # FastAPI's CDN-loaded pages are off


@pytest.mark.parametrize(
    "body, field",
    [
        ('{"text": "unterminated', "the body is not valid JSON: Unterminated string"),
        ("{}", "text: Field required"),
        ('{"title": "ML Engineer"}', "text: Field required"),
        ('{"text": 42}', "text: Input should be a valid string"),
        ('{"text": "x", "title": ["a"]}', "title: Input should be a valid string"),
        ('["a", "list"]', "body: Input should be a valid dictionary"),
    ],
)
def test_malformed_json_or_a_missing_field_is_422_naming_the_field(client, body, field):
    response = client.post("/v1/analyse", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json()["detail"].startswith(field)
    assert "unterminated" not in json.dumps(response.json()["errors"])  # the input is not echoed back


def test_a_batch_item_without_text_is_422_naming_its_place(client):
    response = client.post("/v1/analyse/batch", json={"postings": [{"text": "SQL"}, {"title": "x"}]})
    assert response.status_code == 422 and response.json()["detail"] == "postings.1.text: Field required"


def test_a_body_that_is_not_json_is_422_saying_what_to_send(client):
    response = client.post("/v1/analyse", content=b"text=hello", headers={"Content-Type": "text/plain"})
    assert response.status_code == 422 and "Content-Type: application/json" in response.json()["detail"]


@pytest.mark.parametrize(
    "text, cli_input",
    [("", b""), ("  \n\t ", b"  \n\t "), ("\u0089PNG\u0000\u0000IHDR", b"\x89PNG\x00\x00IHDR"),
     ("<p> </p><br>", b"<p> </p><br>"), ("x" * 200_001, b"x" * 200_001)],
    ids=["empty", "whitespace", "binary", "markup-only", "too-long"],
)  # fmt: skip
def test_unusable_text_is_400_with_the_cli_reason(client, text, cli_input):
    response = client.post("/v1/analyse", json={"text": text})
    assert response.status_code == 400
    assert response.json() == {"detail": f"<text>: {cli_error(cli_input)}"}


def test_a_body_over_1_mb_is_413_and_a_batch_may_reach_10_mb(client):
    big = json.dumps({"text": "x" * 1_000_001})
    assert (
        client.post("/v1/analyse", content=big, headers={"Content-Type": "application/json"}).status_code
        == 413
    )

    def chunks():  # no Content-Length: the limit counts the streamed bytes
        yield b'{"text": "'
        for _ in range(11):
            yield b"y" * 100_000
        yield b'"}'

    streamed = client.post("/v1/analyse", content=chunks(), headers={"Content-Type": "application/json"})
    assert streamed.status_code == 413 and "over the limit of 1,000,000 bytes" in streamed.json()["detail"]
    # 1.5 MB: within a batch's limit; each posting is over the posting limit, so none is analysed.
    batch = client.post("/v1/analyse/batch", json={"postings": [{"text": "z" * 250_000}] * 6})
    assert batch.status_code == 200
    assert all("over the limit of 200,000" in result["error"] for result in batch.json()["results"])
    huge = json.dumps({"postings": [{"text": "z" * 1_000_000}] * 10})
    assert (
        client.post(
            "/v1/analyse/batch", content=huge, headers={"Content-Type": "application/json"}
        ).status_code
        == 413
    )


def test_with_an_api_key_every_v1_call_needs_it(keyed):
    posting = {"text": DASHBOARDS}
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {KEY}"},
                    {"Authorization": KEY}, {"Authorization": f"Bearer {KEY}x"}):  # fmt: skip
        for response in (
            keyed.post("/v1/analyse", json=posting, headers=headers),
            keyed.post("/v1/analyse/batch", json={"postings": [posting]}, headers=headers),
            keyed.get("/v1/profiles", headers=headers),
        ):
            assert response.status_code == 401, headers
            assert response.headers["www-authenticate"] == "Bearer"
            assert "API key" in response.json()["detail"]
    good = {"Authorization": f"Bearer {KEY}"}
    assert keyed.post("/v1/analyse", json=posting, headers=good).json()["label"] == "data_scientist"
    assert keyed.get("/v1/profiles", headers=good).status_code == 200
    assert keyed.get("/healthz").status_code == 200 and keyed.get("/").status_code == 200


def test_without_an_api_key_no_authorization_is_asked(client):
    assert client.post("/v1/analyse", json={"text": DASHBOARDS}).status_code == 200
    assert "security" not in client.get("/openapi.json").json()["paths"]["/v1/analyse"]["post"]


def test_the_page_is_a_form_posting_title_text_and_file_to_report(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<form method="post" action="report" enctype="multipart/form-data">' in page.text
    for field in ('name="title"', 'name="text"', 'type="file" id="file" name="file"'):
        assert field in page.text
    assert (
        "script-src 'none'" in page.text and "form-action 'self'" in page.headers["content-security-policy"]
    )
    assert page.headers["cache-control"] == "no-store"


def test_submitting_the_form_shows_the_evidence_report_and_its_json(client, model):
    response = client.post("/report", data={"title": "Data Analyst", "text": DASHBOARDS})
    assert response.status_code == 200
    page = response.text
    for section in (
        'id="probabilities"',
        'id="framing"',
        'id="profiles"',
        'id="skills"',
        'id="posting-text"',
    ):
        assert section in page
    shown = json.loads(html.unescape(re.search(r'<pre id="result-json">(.*?)</pre>', page, re.S).group(1)))
    api = client.post("/v1/analyse", json={"text": DASHBOARDS, "title": "Data Analyst"}).json()
    assert shown == api | {"source": "pasted text"}
    assert '<a download="jobclass-result.json" href="data:application/json' in page
    assert "<script" not in page and "script-src 'none'" in page


def test_an_uploaded_file_is_read_as_the_cli_reads_it(client):
    upload = {"file": ("ml_scientist.txt", SCIENTIST.encode("utf-8"), "text/plain")}
    page = client.post("/report", data={"title": "", "text": ""}, files=upload).text
    assert "<h1>Applied Scientist II, Marketplace Pricing</h1>" in page and "ml_scientist.txt" in page
    titled = client.post("/report", data={"title": "Data Scientist", "text": "ignored"}, files=upload).text
    assert "<h1>Data Scientist</h1>" in titled and 'class="verdict mismatch"' in titled


@pytest.mark.parametrize(
    "form, files, reason",
    [
        ({"title": "My <b>title</b>", "text": "  "}, None, "pasted text: the posting is empty"),
        ({"text": ""}, {"file": ("", b"", "application/octet-stream")}, "pasted text: the posting is empty"),
        (
            {},
            {"file": ("logo.png", b"\x89PNG\r\n\x1a\n\x00\x00", "image/png")},
            "logo.png: looks like a binary",
        ),
        ({}, {"file": ("latin.txt", b"caf\xe9 data", "text/plain")}, "latin.txt: is not UTF-8 text"),
    ],
)
def test_an_unusable_form_submission_shows_the_form_again_with_the_reason(client, form, files, reason):
    response = client.post("/report", data=form, files=files)
    assert response.status_code == 400 and response.headers["content-type"].startswith("text/html")
    assert re.search(rf'<p class="error" id="error" role="alert">{re.escape(reason)}', response.text)
    assert '<form method="post" action="report"' in response.text
    if "title" in form:
        assert 'value="My &lt;b&gt;title&lt;/b&gt;"' in response.text


def test_a_form_body_over_1_mb_is_413(client):
    response = client.post("/report", files={"file": ("big.txt", b"a" * 1_100_000, "text/plain")})
    assert response.status_code == 413


def test_postings_are_neither_logged_nor_kept(client, caplog):
    caplog.set_level(logging.DEBUG)
    marker = "Zyxwvut quokka pipelines"
    assert client.post("/v1/analyse", json={"text": f"{DASHBOARDS} {marker}"}).status_code == 200
    assert client.post("/report", data={"text": f"{DASHBOARDS} {marker}"}).status_code == 200
    assert marker not in caplog.text
    assert read_text.cache_info().currsize == 0  # the reading cache let go of the texts


def test_requests_waiting_together_are_analysed_in_one_call_and_a_failure_stays_with_its_own(
    model, monkeypatch
):
    calls = []

    def counting(postings, classifier):
        calls.append(len(postings))
        if any(posting.text == "boom" for posting in postings):
            raise RuntimeError("boom")
        return analyse(postings, classifier)

    def unreadable():
        raise InputError("bad: the posting is empty")

    monkeypatch.setattr(worker_module, "analyse", counting)
    worker = AnalysisWorker(model)
    postings = [Posting(f"{DASHBOARDS} Team {i}.", source=str(i)) for i in range(5)]

    async def requests(*extra_reads):
        reads = [*(lambda p=p: p for p in postings), *extra_reads]
        return await asyncio.gather(*(worker.analyse(read) for read in reads), return_exceptions=True)

    together = asyncio.run(requests())
    assert calls == [5]  # five requests, one call
    assert [a.to_dict() for _, a in together] == [a.to_dict() for a in analyse(postings, model)]
    calls.clear()
    mixed = asyncio.run(requests(lambda: Posting("boom"), unreadable))
    assert calls == [6, 1, 1, 1, 1, 1, 1]  # the failed call, then each readable posting alone
    assert isinstance(mixed[5], RuntimeError) and isinstance(mixed[6], InputError)
    assert all(posting is result[0] for posting, result in zip(postings, mixed[:5], strict=True))
    worker.close()
