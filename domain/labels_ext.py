"""Registers the Chinese labels of the network's enums (registry, ledger, reports, hotline)
in the one table :func:`domain.enums.label` reads, so every page and API answer finds
them the same way as the case's words."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from domain.enums import LABELS


def register_labels(pairs: Iterable[tuple[StrEnum, str]]) -> None:
    """Add (enum value, Chinese label) pairs; a value already labelled keeps its first label."""
    for value, text in pairs:
        LABELS.setdefault((type(value), value.value), text)
