"""The header's search (name, case number, identity number for the roles that see them) and
the person view: one person across their cases (re-entry), each linked."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.audit.trail import audit
from api.auth.access import masked_person, may_search_id_numbers, within
from api.cases import service as case_service
from api.cases.access import load_case_for
from api.cases.lists import CaseFilter
from api.console.render import ConsoleRoute, page, see_other
from api.console.session import Sess, checked_form
from api.deps import Ctx, client_address
from api.errors import ApiError
from api.search import duplicates as duplicates_service
from api.search.duplicates import likely_duplicates
from db import person_links_repo
from db.person_repo import person_cases
from domain.enums import Classification, Stage, label
from domain.person import PersonSummary

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)


@router.get("/search")
async def search(request: Request, ctx: Ctx, session: Sess) -> Response:
    """Cases whose person's name, case number or (for roles that see them) identity number
    begins with the text; a whole case number opens that case."""
    q = (request.query_params.get("q") or "").strip()[:50]
    error, items = None, []
    if q:
        try:
            result = await case_service.list_cases(ctx, session.user, None, None, 50,
                                                   client_address(request), filters=CaseFilter(q=q))
            items = result.items
        except ApiError as exc:
            if exc.code not in ("id_search_forbidden", "search_too_short"):
                raise
            error = exc.message
        exact = [c for c in items if c.case_number.upper() == q.upper()]
        if len(exact) == 1:
            return see_other(f"/console/cases/{exact[0].case_id}")
    return page(request, "search/search.html", q=q, items=items, error=error,
                id_search=may_search_id_numbers(session.user))


@router.get("/cases/{case_id}/person")
async def person(case_id: str, request: Request, ctx: Ctx, session: Sess) -> Response:
    """The person of this case and all their cases the user may read (others only counted)."""
    user = session.user
    async with ctx.pool.acquire() as conn:
        report, record = await load_case_for(conn, user=user, case_id=case_id, action="read_person",
                                             client=client_address(request))
        if record is None:
            raise ApiError(409, "case_unavailable", "个案正在建立，请稍后刷新")
        birth = (record.person or {}).get("birth_date")
        cases = await person_cases(conn, case_id=record.case_id, id_number=record.id_number,
                                   name=record.person_name if birth else None, birth_date=birth)
        links = await person_links_repo.links_of(conn, case_id=record.case_id)
        apart = {link.other(record.case_id) for link in links if link.decision == "apart"}
        known = {c.case_id for c in cases}
        cases = [c for c in cases if c.case_id not in apart]
        cases += [c for c in await person_links_repo.linked_cases(conn, case_id=record.case_id)
                  if c.case_id not in known]
        cases.sort(key=lambda c: c.opened_at)
        shown = [c for c in cases if c.case_id == record.case_id or within(user, c.station_path)
                 or within(user, c.origin_path)]
        duplicates = await likely_duplicates(conn, user, record.case_id)
        numbers = {c.case_id: c.case_number for c in shown}
        await audit(conn, user, action="read_person", subject=f"case:{record.case_id}", allowed=True,
                    client=client_address(request), detail=f"shown={len(shown)} of={len(cases)}")
    person = masked_person(user, PersonSummary(name=record.person_name, is_minor=record.is_minor,
                                               id_number=record.id_number))
    rows = [{"case": c, "stage": label(Stage(c.stage)),
             "classification": label(Classification(c.classification)) if c.classification else "待甄别"}
            for c in shown]
    return page(request, "search/person.html", nav="cases", record=record, person=person,
                details=record.person or {}, rows=rows, hidden=len(cases) - len(shown),
                case_number=report.case_number, duplicates=duplicates,
                links=[{"link": link, "number": numbers.get(link.other(record.case_id), "其他地区的个案"),
                        "same": link.decision == "same"} for link in links])


@router.post("/cases/{case_id}/person/links")
async def person_link(case_id: str, request: Request, ctx: Ctx, session: Sess) -> Response:
    """Merge another case into this person, or keep it apart."""
    data = await checked_form(request, ctx, session)
    if data.get("decision") not in ("same", "apart"):
        raise ApiError(422, "invalid_request", "请选择“是同一人”或“不是同一人”")
    await duplicates_service.decide(ctx, session.user, case_id, data.get("other_case_id", ""),
                                    same=data.get("decision") == "same", client=client_address(request))
    return see_other(f"/console/cases/{case_id}/person")


@router.post("/cases/{case_id}/person/links/{link_id}/undo")
async def person_split(case_id: str, link_id: str, request: Request, ctx: Ctx, session: Sess) -> Response:
    """Undo a merge (split) or a "keep apart"."""
    await checked_form(request, ctx, session)
    await duplicates_service.undo(ctx, session.user, case_id, link_id, client_address(request))
    return see_other(f"/console/cases/{case_id}/person")
