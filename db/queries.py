"""Named SQL queries loaded once from the ``sql/*.sql`` files (aiosql style: ``-- name: x``)."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

_NAME = re.compile(r"^--\s*name:\s*([a-z_][a-z0-9_]*)\s*$", re.MULTILINE)


@cache
def _load() -> dict[str, str]:
    queries: dict[str, str] = {}
    folder = resources.files("db") / "sql"
    for path in sorted(p for p in folder.iterdir() if p.name.endswith(".sql")):
        text = path.read_text(encoding="utf-8")
        parts = _NAME.split(text)
        for name, body in zip(parts[1::2], parts[2::2], strict=True):
            if name in queries:
                raise ValueError(f"query {name} defined twice")
            queries[name] = body.strip()
    return queries


def sql(name: str) -> str:
    """The text of the named query."""
    return _load()[name]
