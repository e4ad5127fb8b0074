"""The web page in a real browser: headless Chromium driven by Selenium (Debian's `chromium` and
`chromium-driver`, which .ci/run installs) against `jobclass serve`'s app on 127.0.0.1."""

import json
import shutil
import socket
import threading
import time

import pytest
import uvicorn
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from jobclass.labels import DISPLAY_NAMES
from jobclass.serve import create_app

from .conftest import EXAMPLES

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="Chromium or chromedriver is not installed (.ci/run installs chromium and chromium-driver)",
)

HOSTILE_TITLE = "ML Engineer <script>document.body.setAttribute('data-pwned','title')</script>"
HOSTILE_TEXT = (
    "<p>Requirements: Python, PyTorch and Kubernetes for deploying models to production.</p>\n"
    "<script>document.body.setAttribute('data-pwned', 'script')</script>\n"
    "<p>We write &lt;script&gt;alert('x')&lt;/script&gt; in our docs. "
    "<img src=x onerror=\"document.body.setAttribute('data-pwned','img')\"> Docker is a plus.</p>"
)


@pytest.fixture(scope="module")
def server(model):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(model), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the server did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tmp_path_factory.mktemp("chromium-profile")
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--no-first-run", "--disable-background-networking", "--window-size=1280,1600",
                     f"--user-data-dir={profile}"):  # fmt: skip
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    yield driver
    driver.quit()


def submit(browser, url: str, title: str = "", text: str = "", file=None) -> None:
    browser.get(url + "/")
    if title:
        browser.find_element(By.ID, "title").send_keys(title)
    if text:  # set as the value, as a paste does (typing would be slow and reindent nothing)
        browser.execute_script(
            "arguments[0].value = arguments[1];", browser.find_element(By.ID, "text"), text
        )
    if file:
        browser.find_element(By.ID, "file").send_keys(str(file))
    browser.find_element(By.ID, "analyse").click()
    WebDriverWait(browser, 30).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "#verdict, #error"))
    )


def test_the_form_shows_the_label_the_verdict_and_highlighted_skills(browser, server):
    submit(browser, server, "Senior Machine Learning Engineer", (EXAMPLES / "ml_engineer.txt").read_text())
    assert browser.current_url == server + "/report"
    assert f"Predicted role: {DISPLAY_NAMES['ml_engineer']} (" in browser.find_element(By.ID, "label").text
    assert browser.find_element(By.ID, "verdict").text == "consistent"
    marks = browser.find_elements(By.CSS_SELECTOR, "#posting-text mark.skill")
    assert {"PyTorch", "Kubernetes", "Python"} <= {mark.text for mark in marks}
    pytorch = browser.find_element(By.CSS_SELECTOR, '#posting-text mark[data-skill="pytorch"]')
    assert pytorch.value_of_css_property("background-color") != "rgba(0, 0, 0, 0)"  # styled: the CSS applied
    record = json.loads(browser.find_element(By.ID, "result-json").text)
    assert record["label"] == "ml_engineer" and record["title"] == "Senior Machine Learning Engineer"
    assert record["framing"]["label"] == "consistent"
    browser.find_element(By.ID, "again").click()
    assert browser.find_element(By.ID, "text").get_attribute("value") == ""


def test_a_posting_holding_script_shows_it_as_text_and_runs_nothing(browser, server):
    submit(browser, server, HOSTILE_TITLE, HOSTILE_TEXT)
    assert browser.find_element(By.TAG_NAME, "body").get_attribute("data-pwned") is None
    assert (
        browser.find_elements(By.TAG_NAME, "script") == [] and browser.find_elements(By.TAG_NAME, "img") == []
    )
    assert browser.find_element(By.TAG_NAME, "h1").text == HOSTILE_TITLE
    posting = browser.find_element(By.ID, "posting-text").text
    # The text is read as the CLI reads HTML: the script element is dropped, escaped markup is text.
    assert "We write <script>alert('x')</script> in our docs." in posting and "data-pwned" not in posting
    assert browser.find_elements(By.CSS_SELECTOR, 'mark[data-skill="pytorch"]')


def test_an_uploaded_file_and_an_unusable_one(browser, server, tmp_path):
    submit(browser, server, file=EXAMPLES / "data_scientist.txt")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Data Scientist, Customer Insights"
    assert DISPLAY_NAMES["data_scientist"] in browser.find_element(By.ID, "label").text
    binary = tmp_path / "scan.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    submit(browser, server, title="Data Scientist", file=binary)
    assert (
        browser.find_element(By.ID, "error").text == "scan.png: looks like a binary file, not a text posting"
    )
    assert browser.find_element(By.ID, "title").get_attribute("value") == "Data Scientist"
