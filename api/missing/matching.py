"""The matcher's answers for people: the best candidates of a case (computed when the page is
opened, so a long-term stayer's page always reflects the newest reports) and of a report, each
with its field-by-field comparison, and the caseworker's decision on a pair."""

from __future__ import annotations

import uuid
from typing import Any

from activities import family_search
from api.audit.trail import audit
from api.cases.access import load_case_for
from api.context import AppContext
from api.errors import ApiError
from db import matching_repo
from db.users_repo import UserRecord
from domain.matching.model import MatchScore
from domain.missing_match import FamilySearchMatch

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
                              client: str | None) -> list[dict[str, Any]]:
    """Match the case's person now, and the best reports with their comparison."""
    async with ctx.pool.acquire() as conn:
        _, record = await load_case_for(conn, user=user, case_id=case_id, action="family_search",
                                        client=client, detail="candidates")
        if record is None:
            raise ApiError(409, "case_unavailable", "个案正在建立，请稍后刷新")
        await family_search.match_case(conn, record.case_id)
        rows = await matching_repo.candidates_of_case(conn, case_id=record.case_id)
    return [_view(r, report_number=r["report_number"], name=r["name"], last_seen_on=r["last_seen_on"],
                  last_seen_place=r["last_seen_place"]) for r in rows]


async def decide(ctx: AppContext, user: UserRecord, case_id: str, report_id: str, *, confirm: bool,
                 note: str | None, client: str | None) -> FamilySearchMatch | None:
    """Confirm (the family recognised the person) or reject a pair; a rejected pair is never
    proposed again. A confirmation returns the signal for the case workflow."""
    try:
        rid = uuid.UUID(report_id)
    except ValueError:
        raise ApiError(404, "report_not_found", "找不到该寻人登记") from None
    async with ctx.pool.acquire() as conn:
        _, record = await load_case_for(conn, user=user, case_id=case_id, action="family_search_decide",
                                        client=client, write=True, detail="confirm" if confirm else "reject")
        if record is None:
            raise ApiError(409, "case_unavailable", "个案正在建立，请稍后刷新")
        pair = await matching_repo.candidate(conn, report_id=rid, case_id=record.case_id)
        if pair is None:
            raise ApiError(404, "candidate_not_found", "该寻人登记不是本个案的比对结果")
        done = await matching_repo.decide(conn, report_id=rid, case_id=record.case_id,
                                          status="confirmed" if confirm else "rejected",
                                          by=user.username, note=note)
        if not done:
            raise ApiError(409, "candidate_decided", "该比对结果已经确认或排除")
        number = await conn.fetchval("SELECT report_number FROM missing_reports WHERE report_id = $1", rid)
        await audit(conn, user, action="family_search_decide", subject=f"case:{record.case_id}",
                    allowed=True, client=client, detail=f"report={rid} {'confirmed' if confirm else 'rejected'}")
    if not confirm:
        return None
    return FamilySearchMatch(report_id=str(rid), report_number=number, probability=float(pair["probability"]))
