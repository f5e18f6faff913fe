"""Logic levels (workflows.versions): every patch the case workflows know has a level in force
for new cases, and a workflow below a patch's level still asks Temporal's marker."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import domain
import workflows
from workflows import versions

MARKER_ONLY = {"report-opened-late"}
"""Patches of workflows that carry no level (the monthly report): always decided by marker."""


def _patch_ids() -> set[str]:
    found: set[str] = set()
    for package in (workflows, domain):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            found |= {v for k, v in vars(module).items() if k.startswith("PATCH_") and isinstance(v, str)}
    return found


def test_every_patch_has_a_level_new_cases_run() -> None:
    ids = _patch_ids()
    assert "handover-answers-closed" in ids and "family-search-match" in ids  # the scan sees them
    missing = ids - MARKER_ONLY - set(versions.LEVEL_OF)
    assert not missing, f"give these patches a level in workflows/versions.py: {sorted(missing)}"
    assert all(level <= versions.LOGIC for level in versions.LEVEL_OF.values())
    assert not set(versions.LEVEL_OF) - ids, "a level for a patch that no longer exists"


def test_a_level_at_or_above_the_patch_needs_no_marker() -> None:
    # Outside a workflow, asking the marker raises: a True here proves no marker was asked.
    assert versions.patched("settle-when-quiet", versions.LOGIC) is True


def test_below_the_level_the_marker_decides() -> None:
    with pytest.raises(Exception, match="[Nn]ot in workflow"):
        versions.patched("settle-when-quiet", 0)
    with pytest.raises(Exception, match="[Nn]ot in workflow"):
        versions.patched("a-patch-of-a-later-level", versions.LOGIC)
