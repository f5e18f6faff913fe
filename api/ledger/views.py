"""Console pages of the at-risk ledger: the subtree's entries, the liaison's registration form
(which says when the person was recognised), an entry with its interventions, consolidation."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from api.audit.trail import audit
from api.auth.network_access import WRITES_LEDGER
from api.console.names import people_names
from api.console.render import ConsoleRoute, page, see_other
from api.console.session import Sess, checked_form
from api.deps import Ctx, client_address
from api.errors import ApiError
from api.exports.download import table_download
from api.guard import edge_context
from api.ledger import service
from api.ledger.service import ConsolidateRequest
from domain.enums import Role, Sex, label
from domain.ledger import (
    InterventionInput,
    InterventionKind,
    LedgerCategory,
    LedgerPersonInput,
    LedgerStatus,
)
from domain.messages import chinese_message as _message

router = APIRouter(prefix="/console/ledger", route_class=ConsoleRoute, include_in_schema=False)

_CATEGORIES = [(c.value, label(c)) for c in LedgerCategory]
_NOTICES = {"recorded": "干预情况已记录", "closed": "已销号", "new": "已登记到台账",
            "recognised": "此人已在台账中，已合并登记类别，没有重复登记"}


def _form_context(values: dict[str, object], errors: list[str]) -> dict[str, object]:
    return {"categories": _CATEGORIES, "sexes": [(s.value, label(s)) for s in Sex], "values": values,
            "errors": errors}


@router.get("")
async def ledger_list(request: Request, ctx: Ctx, session: Sess) -> Response:
    q = request.query_params
    status = LedgerStatus(q["status"]) if q.get("status") in LedgerStatus._value2member_map_ else None
    category = LedgerCategory(q["category"]) if q.get("category") in LedgerCategory._value2member_map_ else None
    entries = await service.list_entries(ctx, session.user, status, category, client_address(request))
    return page(request, "ledger/ledger.html", session=session, nav="ledger", entries=entries,
                categories=_CATEGORIES, statuses=[(s.value, label(s)) for s in LedgerStatus],
                status_filter=status.value if status else "", category=category.value if category else "",
                can_write=session.user.role in WRITES_LEDGER,
                can_consolidate=session.user.role == Role.TOWNSHIP_OFFICER,
                notice=_NOTICES.get(q.get("notice", "")))


@router.get("/export.{kind}")
async def ledger_export(kind: str, request: Request, ctx: Ctx, session: Sess) -> Response:
    """The ledger as the page lists it (same filters), as CSV or Excel."""
    q = request.query_params
    status = LedgerStatus(q["status"]) if q.get("status") in LedgerStatus._value2member_map_ else None
    category = LedgerCategory(q["category"]) if q.get("category") in LedgerCategory._value2member_map_ else None
    entries = await service.list_entries(ctx, session.user, status, category, client_address(request))
    rows: list[list[object]] = [["社区(村)", "姓名", "性别", "出生日期", "身份证号码", "类别", "住址",
                                 "家庭情况", "风险情况", "状态", "登记时间", "汇总时间", "干预次数"]]
    rows += [[e.community_name or "", e.name, label(e.sex), e.birth_date.isoformat() if e.birth_date else "",
              e.id_number or "", "、".join(e.category_labels or [label(c) for c in e.categories]),
              e.address or "", e.family_situation or "", e.risk_notes or "", e.status_label or label(e.status),
              e.registered_at, e.consolidated_at, len(e.interventions)] for e in entries]
    async with ctx.pool.acquire() as conn:
        await audit(conn, session.user, action="export", subject=f"node:{session.user.node_id}",
                    allowed=True, client=client_address(request), detail=f"ledger {kind}")
    return table_download(rows, kind=kind, title="摸底排查台账", ascii_name="ledger")


@router.post("/consolidate")
async def consolidate(request: Request, ctx: Ctx, session: Sess) -> Response:
    await checked_form(request, ctx, session)
    done = await service.consolidate(ctx, session.user, ConsolidateRequest(), client_address(request))
    return see_other(f"/console/ledger?notice=consolidated&n={len(done.consolidated)}")


@router.get("/new")
async def new_form(request: Request, ctx: Ctx, session: Sess) -> Response:
    if session.user.role not in WRITES_LEDGER:
        raise ApiError(403, "forbidden", "台账由社区联络员登记、乡镇专职人员汇总")
    return page(request, "ledger/ledger_new.html", session=session, nav="ledger",
                **_form_context({"community_node_id": session.user.node_id}, []))


@router.post("/new")
async def new_submit(request: Request, ctx: Ctx, session: Sess) -> Response:
    form = await request.form()
    data = await checked_form(request, ctx, session)
    values: dict[str, object] = {**data, "categories": form.getlist("categories")}
    try:
        body = LedgerPersonInput.model_validate(dict(
            community_node_id=data.get("community_node_id") or None, name=data.get("name", "").strip(),
            sex=data.get("sex") or "unknown", birth_date=data.get("birth_date") or None,
            id_number=data.get("id_number") or None, categories=form.getlist("categories"),
            address=data.get("address") or None, family_situation=data.get("family_situation") or None,
            risk_notes=data.get("risk_notes") or None), context=edge_context(request))
    except ValidationError as exc:
        errors = [f"{label_of(e['loc'])}：{_message(e)}" for e in exc.errors()]
        return page(request, "ledger/ledger_new.html", session=session, nav="ledger", status=422,
                    **_form_context(values, errors))
    try:
        result = await service.register_person(ctx, session.user, body, client_address(request))
    except ApiError as exc:
        if exc.status == 422:
            return page(request, "ledger/ledger_new.html", session=session, nav="ledger", status=422,
                        **_form_context(values, [exc.message]))
        raise
    notice = "new" if result.created else "recognised"
    return see_other(f"/console/ledger/{result.entry.entry_id}?notice={notice}")


_LABELS = {"name": "姓名", "sex": "性别", "birth_date": "出生日期", "id_number": "身份证号码",
           "categories": "排查类别", "community_node_id": "社区(村)网点"}


def label_of(loc: tuple[object, ...]) -> str:
    return _LABELS.get(str(loc[0]), str(loc[0])) if loc else "表单"


@router.get("/{entry_id}")
async def entry_page(entry_id: str, request: Request, ctx: Ctx, session: Sess) -> Response:
    entry = await service.get_entry(ctx, session.user, entry_id, client_address(request))
    people = await people_names(ctx, [entry.registered_by, entry.consolidated_by,
                                      *(i.recorded_by for i in entry.interventions)])
    return page(request, "ledger/ledger_entry.html", session=session, nav="ledger", entry=entry,
                people=people,
                kinds=[(k.value, label(k)) for k in InterventionKind], today=date.today().isoformat(),
                can_write=session.user.role in WRITES_LEDGER,
                can_close=session.user.role == Role.TOWNSHIP_OFFICER and entry.status != LedgerStatus.CLOSED,
                notice=_NOTICES.get(request.query_params.get("notice", "")), errors=[])


@router.post("/{entry_id}/interventions")
async def intervention(entry_id: str, request: Request, ctx: Ctx, session: Sess) -> Response:
    data = await checked_form(request, ctx, session)
    try:
        body = InterventionInput.model_validate(dict(
            kind=data.get("kind", ""), occurred_on=data.get("occurred_on", ""),
            summary=data.get("summary", "").strip(),
            partners=[p.strip() for p in data.get("partners", "").replace("，", ",").split(",") if p.strip()]),
            context=edge_context(request))
    except ValidationError as exc:
        errors = "；".join(f"{label_of(e['loc'])}：{_message(e)}" for e in exc.errors())
        raise ApiError(422, "invalid_request", f"请选择干预方式，填写日期和干预情况（{errors}）") from None
    await service.add_intervention(ctx, session.user, entry_id, body, client_address(request))
    return see_other(f"/console/ledger/{entry_id}?notice=recorded")


@router.post("/{entry_id}/close")
async def close(entry_id: str, request: Request, ctx: Ctx, session: Sess) -> Response:
    await checked_form(request, ctx, session)
    await service.close_entry(ctx, session.user, entry_id, client_address(request))
    return see_other(f"/console/ledger/{entry_id}?notice=closed")
