"""Workflow ids are business keys, built here and nowhere else."""

from __future__ import annotations

CASE_PREFIX = "rescue-case:"


def case_workflow_id(case_number: str) -> str:
    """``rescue-case:<case number>``: one workflow per case, never two."""
    return f"{CASE_PREFIX}{case_number}"
