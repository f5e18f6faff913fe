"""Workflow ids are business keys, built here and nowhere else."""

from __future__ import annotations

CASE_PREFIX = "rescue-case:"


def case_workflow_id(case_number: str) -> str:
    """``rescue-case:<case number>``: one workflow per case, never two."""
    return f"{CASE_PREFIX}{case_number}"


TREATMENT_PREFIX = "rescue-treatment:"


def treatment_case_ref(case_number: str, episode: int) -> str:
    """What the hospital quotes back in callbacks: ``<case number>/T<episode>``."""
    return f"{case_number}/T{episode}"


def treatment_workflow_id(case_ref: str) -> str:
    """``rescue-treatment:<case number>-T<episode>`` from a hospital case ref."""
    case_number, _, episode = case_ref.partition("/")
    if not case_number or not episode.startswith("T") or not episode[1:].isdigit():
        raise ValueError(f"not a treatment case ref: {case_ref!r}")
    return f"{TREATMENT_PREFIX}{case_number}-{episode}"


FOLLOW_UP_PREFIX = "rescue-follow-up:"


def follow_up_workflow_id(case_number: str) -> str:
    """``rescue-follow-up:<case number>``: one follow-up per returned person's case."""
    return f"{FOLLOW_UP_PREFIX}{case_number}"
