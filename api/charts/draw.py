"""Charts drawn on the server by matplotlib as SVG: no script, no network, the same picture on
every screen. Text is set in the machine's CJK font and written as outlines, so the layout
matplotlib measured is the layout every browser shows: labels sit beside their bars (never
on top of the numbers), values stand past the bar's end in a margin kept free for them.

matplotlib is imported on first use (its font cache takes a moment) and used through its
object API with one lock: pyplot's global state is never touched."""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from typing import Any

from api.exports.pdf import FONT_CANDIDATES

_LOCK = threading.Lock()
_FONT: list[str] = []
INK, BAR, ALERT, MUTED = "#1f2933", "#1d4ed8", "#b42318", "#9aa5b1"


def _setup() -> Any:
    """matplotlib with the SVG backend and the CJK font, once."""
    import matplotlib

    matplotlib.use("svg", force=False)
    from matplotlib import font_manager

    if not _FONT:
        for path in FONT_CANDIDATES:
            if path.exists():
                font_manager.fontManager.addfont(str(path))
                _FONT.append(font_manager.FontProperties(fname=str(path)).get_name())
                break
        else:
            _FONT.append("DejaVu Sans")
    return matplotlib


def _figure(height: float) -> Any:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.2, height), dpi=96)
    fig.patch.set_alpha(0)
    return fig


def _svg(fig: Any, title: str) -> bytes:
    matplotlib = _setup()
    out = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": "rescue"}):
        fig.savefig(out, format="svg", bbox_inches="tight", pad_inches=0.15,
                    metadata={"Title": title, "Date": None})
    return out.getvalue().encode("utf-8")


def _style(ax: Any) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(colors=INK, labelsize=10)


def horizontal_bars(items: Sequence[tuple[str, float]], *, title: str, unit: str = "",
                    highlight: bool = False, fmt: str = "{:,.0f}") -> bytes:
    """One bar per (label, value), labels on the left, each value past its bar's end."""
    with _LOCK:
        matplotlib = _setup()
        with matplotlib.rc_context({"font.family": _FONT[0]}):
            fig = _figure(0.9 + 0.42 * max(len(items), 1))
            ax = fig.subplots()
            labels = [name for name, _ in items][::-1]
            values = [value for _, value in items][::-1]
            bars = ax.barh(labels, values, color=ALERT if highlight else BAR, height=0.6)
            ax.bar_label(bars, labels=[fmt.format(v) + unit for v in values], padding=4,
                         color=INK, fontsize=10)
            top = max(values, default=0) or 1
            ax.set_xlim(0, top * 1.22)  # room for the value past the longest bar
            ax.xaxis.set_visible(False)
            _style(ax)
            ax.spines["bottom"].set_visible(False)
            return _svg(fig, title)


def columns(items: Sequence[tuple[str, float]], *, title: str, unit: str = "") -> bytes:
    """One column per (label, value) in time order, the value above each column."""
    with _LOCK:
        matplotlib = _setup()
        with matplotlib.rc_context({"font.family": _FONT[0]}):
            fig = _figure(3.0)
            ax = fig.subplots()
            labels = [name for name, _ in items]
            values = [value for _, value in items]
            bars = ax.bar(labels, values, color=BAR, width=0.6)
            ax.bar_label(bars, labels=[f"{v:,.0f}{unit}" for v in values], padding=3, color=INK,
                         fontsize=9)
            top = max(values, default=0) or 1
            ax.set_ylim(0, top * 1.2)
            ax.yaxis.set_visible(False)
            ax.spines["left"].set_visible(False)
            _style(ax)
            ax.tick_params(axis="x", labelsize=9)
            return _svg(fig, title)


def budget_bars(stations: Sequence[tuple[str, int, int, int, int]], *, title: str) -> bytes:
    """Per station (name, budget, paid, committed, pending) in fen: how much of the budget is
    paid, committed and claimed, as stacked bars against the budget, the share used written
    past each bar."""
    with _LOCK:
        matplotlib = _setup()
        with matplotlib.rc_context({"font.family": _FONT[0]}):
            fig = _figure(1.3 + 0.5 * max(len(stations), 1))
            ax = fig.subplots()
            names = [s[0] for s in stations][::-1]
            rows = list(stations)[::-1]
            left = [0.0] * len(rows)
            for index, (name, color) in enumerate(((" 已支付", "#0f6b3a"), (" 已同意未支付", "#1d4ed8"),
                                                   (" 待审核", "#f59e0b"))):
                part = [r[2 + index] / 100 for r in rows]
                ax.barh(names, part, left=left, color=color, height=0.55, label=name.strip())
                left = [a + b for a, b in zip(left, part, strict=True)]
            budgets = [r[1] / 100 for r in rows]
            ax.barh(names, budgets, color="none", edgecolor=MUTED, height=0.55, linewidth=1,
                    label="预算")
            top = max([*budgets, *left], default=0) or 1
            for y, (used, budget) in enumerate(zip(left, budgets, strict=True)):
                share = f"{used / budget:.0%}" if budget else "无预算"
                ax.text(max(used, budget) + top * 0.02, y, f"已用 {share}", va="center", color=INK,
                        fontsize=10)
            ax.set_xlim(0, top * 1.3)
            ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(
                lambda v, _: f"{v / 10000:,.0f}万"))
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=4, frameon=False,
                      fontsize=9)
            _style(ax)
            return _svg(fig, title)
