"""Rendering the network's console pages with the console's own environment (its base page,
navigation, filters and session), their templates added under the ``net/`` prefix; and the
geometry of the inline-SVG bar charts."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader

from rescue.api.console import render as console_render
from rescue.api.console.session import Session
from rescue.api.reports_service import yuan

PREFIX = "net"
"""The network's templates are found as ``net/<name>``, so their names never collide with the
console's; the console's environment renders them, so header, navigation and filters are the
console's own, always in step with it."""

_env = console_render._env
if not getattr(_env, "_network_templates", False):
    _env.loader = ChoiceLoader([
        _env.loader, PrefixLoader({PREFIX: PackageLoader("rescue.api.console_network", "templates")})])
    _env.filters["net_yuan"] = yuan  # the console may have its own "yuan"; ours is separate
    _env._network_templates = True  # type: ignore[attr-defined]


def page(request: Request, template: str, *, session: Session, status: int = 200,
         **context: Any) -> HTMLResponse:
    """Render one of the network's pages inside the console's frame (header, nav, footer)."""
    return console_render.page(request, f"{PREFIX}/{template}", status=status, session=session,
                               **context)


def bars(items: list[tuple[str, int]], *, width: int = 560, bar: int = 22) -> dict[str, Any]:
    """Geometry of a horizontal bar chart (inline SVG, no script): one bar per (label, value)."""
    top = max((v for _, v in items), default=0) or 1
    label_w, gap = 150, 8
    rows = [{"label": name, "value": value, "y": i * (bar + gap),
             "w": round((width - label_w - 60) * value / top)} for i, (name, value) in enumerate(items)]
    return {"rows": rows, "width": width, "height": max(len(items) * (bar + gap), bar), "bar": bar,
            "x0": label_w}
