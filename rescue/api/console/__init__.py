"""The console: server-rendered pages in Simplified Chinese for caseworkers, liaisons and the
other users of the network, mounted at /console/ (static files at /console/static/)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.staticfiles import StaticFiles

from rescue.api.console import desk_views, gate_views, list_views, ops_views, task_views, views

STATIC_PATH = "/console/static"
STATIC_DIR = Path(__file__).parent / "static"

router = APIRouter()
for part in (gate_views, list_views, views, task_views, desk_views, ops_views):
    router.include_router(part.router)
router.include_router(views.fallback)  # last: any other /console/ address is a Chinese 404


def static_files() -> StaticFiles:
    return StaticFiles(directory=STATIC_DIR)


__all__ = ["STATIC_DIR", "STATIC_PATH", "router", "static_files"]
