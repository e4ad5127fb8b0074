"""The web page and the HTTP API of `jobclass serve` (needs `pip install 'jobclass[serve]'`)."""

from jobclass.serve.app import app_from_environment, create_app

__all__ = ["app_from_environment", "create_app"]
