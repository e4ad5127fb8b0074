"""Running the app under uvicorn: one process, or N worker processes each loading the model once."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import uvicorn

from jobclass.classifier import Classifier
from jobclass.serve.app import KEY_VARIABLE, MODEL_VARIABLE, create_app


def is_local(host: str) -> bool:
    """Whether binding `host` serves this machine only (a loopback address or `localhost`)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def serve(
    model_path: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    api_key: str | None = None,
    model: Classifier | None = None,
) -> None:
    """Serve until interrupted. One worker serves `model` (already loaded) in this process; several are
    started by uvicorn, each building the app from the environment and loading `model_path` once."""
    if workers == 1:
        uvicorn.run(create_app(model or model_path, api_key), host=host, port=port)
        return
    os.environ[MODEL_VARIABLE] = str(Path(model_path).resolve())
    if api_key:
        os.environ[KEY_VARIABLE] = api_key
    uvicorn.run(
        "jobclass.serve.app:app_from_environment", factory=True, host=host, port=port, workers=workers
    )
