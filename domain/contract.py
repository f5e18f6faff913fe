"""Text a workflow can be handed: no control characters anywhere in it.

PostgreSQL refuses NUL in text, so one NUL that reached a workflow made its read-model writes
fail for ever. The API refuses such input at the edge (``api/guard.py``); ``Contract`` is the
second wall: every workflow input, update and signal argument is a ``Contract``, and a value
with a control character cannot be built, sent or received (``tests/domain`` checks each
workflow's entry types).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, field_validator
from pydantic_core import PydanticCustomError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
"""C0 controls but tab, line feed and carriage return; DEL; C1 controls; lone surrogates
(which cannot be written as UTF-8 at all)."""

_HEADER_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
"""In a header value (bytes read as Latin-1), only C0 controls but tab, and DEL, are controls:
bytes 0x80–0xFF there are UTF-8, not C1 controls."""

CONTROL_CHARACTER = "control_character"
"""Error type of a refused control character (API details, pydantic errors)."""


def control_character(text: str, *, header: bool = False) -> str | None:
    """The first control character in ``text`` as ``U+XXXX``, or None when there is none."""
    found = (_HEADER_CONTROL if header else _CONTROL).search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def control_characters(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every (path, ``U+XXXX``) of a control character in a value: text, mapping keys and
    values, sequences, and the fields of pydantic models, however deeply nested."""
    if isinstance(value, str):
        char = control_character(value)
        if char:
            yield path, char
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from control_characters(getattr(value, name), (*path, name))
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and control_character(key):
                yield (*path, key), control_character(key) or ""
            yield from control_characters(item, (*path, str(key)))
    elif isinstance(value, (list, tuple, set, frozenset)):
        for i, item in enumerate(value):
            yield from control_characters(item, (*path, i))


def long_texts(value: Any, limit: int, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """Every path of a text (or a mapping key) longer than ``limit`` characters, however deeply
    nested: no field of any request is unbounded (a 5 MB ``sample_id`` once answered 503 for ever)."""
    if isinstance(value, str):
        if len(value) > limit:
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and len(key) > limit:
                yield (*path, key[:40])
            yield from long_texts(item, limit, (*path, str(key)[:40]))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from long_texts(item, limit, (*path, i))


def refusal(char: str, where: tuple[str | int, ...] = ()) -> PydanticCustomError:
    """The pydantic error for a control character (its message in Chinese)."""
    inside = f"（{'.'.join(str(p) for p in where)}）" if where else ""
    return PydanticCustomError(CONTROL_CHARACTER, "不能含有控制字符{inside}：{char}，请删除后重新提交",
                               {"char": char, "inside": inside})


class Contract(BaseModel):
    """What a workflow is handed (its input, an update's or a signal's argument): every text
    in it, however nested, is free of control characters."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        for where, char in control_characters(value):
            raise refusal(char, where)
        return value
