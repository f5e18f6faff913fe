"""Which patches a case runs without asking Temporal's markers.

``workflow.patched`` writes a marker event the first time each patch is met: thirteen on a
happy-path case and its follow-up, each costing the Temporal server about a millisecond. A case
started at logic level ``LOGIC`` carries that level in its input (and hands it to the workflows
it starts), so every patch of that level or below is simply in force, with no marker. A case
started before levels existed (level 0), or a patch newer than the case's level, is decided by
the marker exactly as before, so running cases and recorded histories replay unchanged.

A new patch gets the next level here, and ``LOGIC`` moves to it.
"""

from __future__ import annotations

from temporalio import workflow

LOGIC = 2
"""The level the API starts new cases at."""

LEVEL_OF: dict[str, int] = {
    **dict.fromkeys((
        "admission-one-sync", "agency-outreach", "boarding-one-sync", "child-search-attributes",
        "close-in-one-sync", "dna-for-every-minor", "dna-sample-checked", "family-search-match",
        "features-search", "follow-up-elsewhere", "handover-answers-closed", "ledger-on-follow-up",
        "lifecycle-v2", "long-stay-steps", "reminder-backoff", "settle-when-quiet",
        "supervision-on-overdue", "verification-says-why", "visit-early", "visit-one-sync",
        "walk-in-conditions"), 1),
    "handover-closes-while-starting": 2,
}
"""Patch id → the first logic level that has it in force."""


class Versioned:
    """A workflow's runtime that knows the logic level in its workflow's input (handed on to
    the workflows it starts)."""

    logic: int = 0

    def patched(self, patch_id: str) -> bool:
        """Whether this workflow runs the patch."""
        return patched(patch_id, self.logic)


def patched(patch_id: str, logic: int) -> bool:
    """Whether a workflow at ``logic`` runs the patched code (deterministic: the level is in
    the workflow's input, the marker in its history)."""
    level = LEVEL_OF.get(patch_id)
    if level is not None and logic >= level:
        return True
    return workflow.patched(patch_id)
