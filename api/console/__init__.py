"""The console's frame, shared by every feature's pages: the base page and macros, rendering,
the session and its CSRF tokens, forms from JSON Schema, charts and the static files, mounted
at /console/static/. Each feature folder of ``api/`` holds its own console views."""

from __future__ import annotations

from pathlib import Path

from fastapi.staticfiles import StaticFiles

STATIC_PATH = "/console/static"
STATIC_DIR = Path(__file__).parent / "static"


def static_files() -> StaticFiles:
    return StaticFiles(directory=STATIC_DIR)


__all__ = ["STATIC_DIR", "STATIC_PATH", "static_files"]
