"""Load benchmark of `jobclass serve` on 127.0.0.1, beside the batch rate of the same machine (not a test).

usage: python bench/serve.py [--requests 2000] [--concurrency 16] [--workers 1,2] [--model PATH]

Builds unique postings from the bundled corpus (and ../shared/realworld/dev.csv when present: `--source
dev`), measures the one-process batch rate on them (`analyse()` in chunks of 256 in this process, as a
batch worker does, and `jobclass batch --jobs 1` wall time), then for each --workers starts `jobclass
serve` on a free local port and sends --requests single-posting `POST /v1/analyse` requests,
--concurrency at a time. Each run is bounded: it stops after its requests or after --deadline seconds.
Prints requests/s, p50/p99 latency, errors and 5xx, and the ratio to the batch rate.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2
import numpy as np
import pandas as pd

from jobclass.analysis import analyse
from jobclass.classifier import DEFAULT_DATA, ensure_default_model, load_model
from jobclass.reader import read_text
from jobclass.text import Posting

HOST = "127.0.0.1"  # never anything else: this benchmark loads this machine only
DEV = Path(__file__).resolve().parents[2] / "shared" / "realworld" / "dev.csv"
TARGET_SHARE, TARGET_P99_MS = 0.5, 250


def postings(source: str, count: int, tag: str) -> list[dict]:
    """The same sample of `count` postings for every tag; each text made unique by a reference line, so
    that no reading can come from a cache."""
    frame = pd.read_csv(DEV if source == "dev" else DEFAULT_DATA, dtype=str, keep_default_na=False)
    frame = frame.sample(count, replace=count > len(frame), random_state=0)
    return [
        {"id": f"{tag}-{i}", "title": title, "text": f"{text}\n\nReference {tag}-{i}"}
        for i, (title, text) in enumerate(zip(frame["title"], frame["description"], strict=True))
    ]


def in_process_batch_rate(items: list[dict], model_path: Path) -> float:
    model = load_model(model_path)
    analyse([Posting("Warm-up: Python and SQL.", "Data Scientist")], model)
    read_text.cache_clear()
    batch = [Posting(item["text"], item["title"], item["id"]) for item in items]
    started = time.perf_counter()
    for start in range(0, len(batch), 256):
        [a.to_dict() for a in analyse(batch[start : start + 256], model)]
    return len(batch) / (time.perf_counter() - started)


def cli_batch_rate(items: list[dict], model_path: Path, folder: Path) -> float:
    source = folder / "batch.jsonl"
    source.write_text("".join(json.dumps(item) + "\n" for item in items), encoding="utf-8")
    command = [sys.executable, "-m", "jobclass", "batch", str(source), "-o", str(folder / "out.jsonl"),
               "--jobs", "1", "--quiet", "--model", str(model_path)]  # fmt: skip
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, timeout=1800)
    return len(items) / (time.perf_counter() - started)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_server(model_path: Path, workers: int, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [sys.executable, "-m", "jobclass", "serve", "--host", HOST, "--port", str(port),
               "--workers", str(workers), "--model", str(model_path)]  # fmt: skip
    server = subprocess.Popen(command, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    url = f"http://{HOST}:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if httpx2.get(f"{url}/healthz", timeout=2).status_code == 200:
                return server, url
        except httpx2.TransportError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit(f"the server did not start; see {log}")


def stop_server(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()


async def load(url: str, items: list[dict], concurrency: int, deadline_s: float) -> dict:
    """Send every item as one request, `concurrency` at a time, until done or the deadline passes."""
    latencies, statuses, failures = [], [], 0
    queue = iter(items)
    stop_at = time.monotonic() + deadline_s
    limits = httpx2.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx2.AsyncClient(base_url=url, limits=limits, timeout=30) as client:

        async def send_all() -> None:
            nonlocal failures
            for item in queue:
                if time.monotonic() > stop_at:
                    return
                started = time.perf_counter()
                try:
                    response = await client.post("/v1/analyse", json=item)
                    statuses.append(response.status_code)
                except httpx2.HTTPError:
                    failures += 1
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(send_all() for _ in range(concurrency)))
        seconds = time.perf_counter() - started
    statuses = np.array(statuses)
    milliseconds = np.array(latencies) * 1000
    return {
        "sent": len(latencies),
        "ok": int((statuses == 200).sum()),
        "errors": int((statuses != 200).sum()) + failures,
        "5xx": int((statuses >= 500).sum()),
        "rate": len(latencies) / seconds,
        "p50": float(np.percentile(milliseconds, 50)),
        "p99": float(np.percentile(milliseconds, 99)),
        "max": float(milliseconds.max()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--source", choices=["corpus", "dev"], default="corpus")
    parser.add_argument("--deadline", type=float, default=300, help="Seconds a load run may take at most.")
    parser.add_argument("--model", type=Path, default=None)
    args = parser.parse_args()
    if args.source == "dev" and not DEV.exists():
        raise SystemExit(f"{DEV} not found")
    model_path = args.model or ensure_default_model()
    items = postings(args.source, args.requests, "batch")
    columns = ("workers", "sent", "ok", "errors", "5xx", "req/s", "share", "p50 ms", "p99 ms", "max ms")
    with tempfile.TemporaryDirectory() as folder:
        batch_rate = in_process_batch_rate(items, model_path)
        cli_rate = cli_batch_rate(items, model_path, Path(folder))
        print(f"{args.requests} unique postings ({args.source}), {args.concurrency} concurrent requests")
        print(f"batch rate, one process: analyse() in chunks of 256: {batch_rate:.0f}/s; "
              f"`jobclass batch --jobs 1` (wall, start-up included): {cli_rate:.0f}/s")  # fmt: skip
        print(
            f"targets: >= {TARGET_SHARE:.0%} of the one-process batch rate, p99 <= {TARGET_P99_MS} ms, no 5xx"
        )
        print(" ".join(f"{column:>7}" for column in columns))
        for workers in (int(w) for w in args.workers.split(",")):
            server, url = start_server(model_path, workers, Path(folder) / f"server-{workers}.log")
            try:
                asyncio.run(load(url, postings(args.source, 32, f"warm{workers}"), args.concurrency, 60))
                timed = postings(args.source, args.requests, f"serve{workers}")
                result = asyncio.run(load(url, timed, args.concurrency, args.deadline))
            finally:
                stop_server(server)
            rate = result["rate"]
            cells = [workers, *(result[k] for k in ("sent", "ok", "errors", "5xx")), f"{rate:.1f}"]
            cells += [f"{rate / batch_rate:.2f}", *(f"{result[k]:.0f}" for k in ("p50", "p99", "max"))]
            print(" ".join(f"{cell:>7}" for cell in cells), flush=True)
    print("(share: requests/s over the in-process batch rate; the load generator runs on the same machine)")


if __name__ == "__main__":
    main()
