"""Charts drawn on the server as inline SVG (no script, no network): the geometry of the
horizontal bar chart that ``_charts.html`` draws."""

from __future__ import annotations

from typing import Any


def bars(items: list[tuple[str, int]], *, width: int = 560, bar: int = 22) -> dict[str, Any]:
    """Geometry of a horizontal bar chart (inline SVG, no script): one bar per (label, value)."""
    top = max((v for _, v in items), default=0) or 1
    label_w, gap = 150, 8
    rows = [{"label": name, "value": value, "y": i * (bar + gap),
             "w": round((width - label_w - 60) * value / top)} for i, (name, value) in enumerate(items)]
    return {"rows": rows, "width": width, "height": max(len(items) * (bar + gap), bar), "bar": bar,
            "x0": label_w}
