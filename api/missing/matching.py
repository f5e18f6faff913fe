"""The matcher's answers for people: the best candidates of a case (computed when the page is
opened, so a long-term stayer's page always reflects the newest reports) and of a report, each
with its field-by-field comparison. A pair is decided by the family verification task the
case opens (workflows/family_match.py), not here."""

from __future__ import annotations

import uuid
from typing import Any

from activities import family_search
from api.cases.access import load_case_for
from api.context import AppContext
from api.errors import ApiError
from db import matching_repo
from db.users_repo import UserRecord
from domain.matching.model import MatchScore

STATUS_LABELS = {"proposed": "", "verifying": "核实中", "confirmed": "已确认", "rejected": "已排除"}


def _percent(probability: float) -> str:
    if probability >= 0.995:
        return "很高（>99%）"
    if probability < 0.01:
        return "很低（<1%）"
    return f"{probability * 100:.0f}%"


def _view(row: Any, **extra: Any) -> dict[str, Any]:
    result = MatchScore.model_validate(row["comparison"])
    return {"report_id": row["report_id"], "case_id": row["case_id"], "percent": _percent(row["probability"]),
            "probability": row["probability"], "status": row["status"],
            "status_label": STATUS_LABELS.get(row["status"], ""), "fields": result.fields, **extra}


async def candidates_for_report(ctx: AppContext, user: UserRecord, report_id: uuid.UUID) -> list[dict[str, Any]]:
    """The people in care proposed for a report (the best ten; rejected ones left out)."""
    async with ctx.pool.acquire() as conn:
        rows = await matching_repo.candidates_of_report(conn, report_id=report_id)
    return [_view(r, case_number=r["case_number"], person_name=r["person_name"]) for r in rows]


async def candidates_for_case(ctx: AppContext, user: UserRecord, case_id: str,
                              client: str | None) -> tuple[str, list[dict[str, Any]]]:
    """Match the case's person now: the case number, and the best reports with their
    comparison."""
    async with ctx.pool.acquire() as conn:
        _, record = await load_case_for(conn, user=user, case_id=case_id, action="family_search",
                                        client=client, detail="candidates")
        if record is None:
            raise ApiError(409, "case_unavailable", "个案正在建立，请稍后刷新")
        await family_search.match_case(conn, record.case_id)
        rows = await matching_repo.candidates_of_case(conn, case_id=record.case_id)
    return record.case_number, [
        _view(r, report_number=r["report_number"], name=r["name"], last_seen_on=r["last_seen_on"],
              last_seen_place=r["last_seen_place"]) for r in rows]
