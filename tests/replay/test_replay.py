"""Recorded histories of real cases replay with today's workflow code: a change that would
break running cases fails here. Record new ones with RESCUE_RECORD_HISTORIES=1."""

from __future__ import annotations

import base64
import json

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from rescue.codec import data_converter
from support import HISTORIES, TEST_PAYLOAD_KEY
from worker import WORKFLOWS

RECORDED = sorted(HISTORIES.glob("*.json"))


def test_histories_are_kept() -> None:
    assert {p.stem for p in RECORDED} >= {
        "happy_path",  # v1: the foundation's linear path
        "v2_happy_path_case", "v2_happy_path_follow_up", "v2_never_arrived", "v2_minor_escorted",
        "v2_minor_escorted_with_dna",
        "v2_left_voluntarily", "v2_minor_dna_match", "v2_treatment_settled",
        "v2_follow_up_lost_contact",
        # v3: the case, whole (issue 9) and cases that last for years (issue 14)
        "v3_returned_to_another_city", "v3_settled_then_found", "v3_agency_outreach",
        "v3_long_case_continued_run",  # a run that began by continue-as-new
        "n9_monthly_report_opened_late",  # issue 9: a report opened after its due date
        "v3_features_repeated_search", "v3_features_fingerprint_match",  # search by features
        "n12_missing_list_import",  # issue 12: the police's list registered in batches
    }


@pytest.mark.parametrize("path", RECORDED, ids=[p.stem for p in RECORDED])
async def test_recorded_history_replays(path) -> None:
    events = json.loads(path.read_text())
    history = WorkflowHistory.from_json(f"recorded:{path.stem}", events)
    replayer = Replayer(workflows=WORKFLOWS,
                        data_converter=data_converter([base64.b64decode(TEST_PAYLOAD_KEY)]))
    result = await replayer.replay_workflow(history, raise_on_replay_failure=True)
    assert result.replay_failure is None
