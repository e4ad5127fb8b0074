"""Re-run README.md's `console` blocks, whose commands need a running `jobclass serve`, and retake the
screenshots of the web page (docs/serve_form.png, serve_report.png, serve_posting.png) in headless Chromium.

usage: python scripts/refresh_serve_readme.py [README.md]   (run from the repository root, with the venv's
`jobclass` first on PATH: `make readme` does this)

Blocks are refreshed as scripts/refresh_readme.py does, except that a `$ jobclass serve ...` command is
started in the background on 127.0.0.1 (and stopped at the end); its output is what it printed until it
answered /healthz. Every server this script starts listens on 127.0.0.1 only.
"""

import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from refresh_readme import refresh_block  # the same `$ command` splitting, run here against servers

BLOCK = re.compile(r"^```console\n(\$ .*?)^```$", re.DOTALL | re.MULTILINE)
ROOT = Path(__file__).resolve().parent.parent
servers: list[subprocess.Popen] = []


def start_server(command: str, folder: Path) -> str:
    words = shlex.split(command)
    port = words[words.index("--port") + 1] if "--port" in words else "8000"
    assert "--host" not in words, "README servers listen on 127.0.0.1 only"
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", int(port))) != 0, (
            f"port {port} is taken: `{command}` cannot start"
        )
    log = folder / f"server-{port}.log"
    servers.append(
        subprocess.Popen(
            command, shell=True, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True
        )
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return log.read_text(encoding="utf-8").rstrip("\n")
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"`{command}` did not start: {log.read_text(encoding='utf-8')}")


def run(command: str, folder: Path) -> str:
    if re.match(r"(\w+=\S+ )*jobclass serve\b", command):  # a server, possibly with variables set before it
        return start_server(command, folder)
    result = subprocess.run(command, shell=True, capture_output=True, text=True)
    return (result.stdout + result.stderr).rstrip("\n")


def screenshots(url: str) -> None:
    """The form with a posting pasted in, the top of the report it gives, and its highlighted text."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--window-size=1200,820",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
    try:
        posting = (
            (ROOT / "examples" / "data_scientist.txt").read_text(encoding="utf-8").split("\n", 1)[1].strip()
        )
        driver.get(url + "/")
        driver.find_element(By.ID, "title").send_keys("Data Scientist, Customer Insights")
        driver.execute_script(
            "arguments[0].value = arguments[1];", driver.find_element(By.ID, "text"), posting
        )
        driver.save_screenshot(str(ROOT / "docs" / "serve_form.png"))
        driver.find_element(By.ID, "analyse").click()
        WebDriverWait(driver, 60).until(expected_conditions.presence_of_element_located((By.ID, "verdict")))
        driver.set_window_size(1200, 1100)
        driver.save_screenshot(str(ROOT / "docs" / "serve_report.png"))
        driver.find_element(By.ID, "text").screenshot(str(ROOT / "docs" / "serve_posting.png"))
    finally:
        driver.quit()


def main() -> None:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "README.md")
    text = path.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as folder:
        try:
            text = BLOCK.sub(
                lambda m: (
                    "```console\n"
                    + refresh_block(m.group(1), lambda command: run(command, Path(folder)))
                    + "```"
                ),
                text,
            )
            screenshots("http://127.0.0.1:8000")
        finally:
            for server in servers:
                os.killpg(server.pid, signal.SIGINT)
                server.wait(timeout=30)
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
