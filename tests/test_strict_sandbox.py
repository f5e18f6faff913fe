"""The suite's workers run the strict sandbox: workflow code that reads the clock fails there
(production runs unsandboxed by default, or in a faster sandbox passing our own modules through)."""

from __future__ import annotations

from temporalio.worker import UnsandboxedWorkflowRunner

from rescue.settings import load_settings
from worker import SANDBOX, STRICT_SANDBOX, workflow_runner


def test_the_suite_runs_the_strict_sandbox_and_production_none() -> None:
    assert workflow_runner(load_settings()) is STRICT_SANDBOX
    assert isinstance(workflow_runner(load_settings(strict_sandbox=False)), UnsandboxedWorkflowRunner)
    assert workflow_runner(load_settings(strict_sandbox=False, workflow_sandbox=True)) is SANDBOX
    assert "workflows" in SANDBOX.restrictions.passthrough_modules
    assert "workflows" not in STRICT_SANDBOX.restrictions.passthrough_modules


def test_the_sandbox_can_be_turned_off_but_strict_wins() -> None:
    assert isinstance(workflow_runner(load_settings(strict_sandbox=False, workflow_sandbox=False)),
                      UnsandboxedWorkflowRunner)
    assert workflow_runner(load_settings(strict_sandbox=True, workflow_sandbox=False)) is STRICT_SANDBOX
