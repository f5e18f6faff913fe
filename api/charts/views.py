"""统计图表: cases per month, how far cases got, late tasks by the unit that holds them, 12349
calls and people met on patrols per month, and the treatment budget used, each a server-drawn SVG beside the table of its numbers. Station
staff and the bureau see their stations' charts; finance and the bureau see the budget."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from api.audit.trail import audit
from api.auth.access import READS_FINANCE, SEES_FIGURES
from api.charts import draw
from api.console.render import ConsoleRoute, page
from api.console.session import Sess
from api.deps import Ctx, client_address
from api.errors import ApiError
from api.finance import routes as finance
from db import charts_repo
from db.scope_repo import subtree_station_ids
from db.users_repo import UserRecord
from domain.enums import Role, label

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)
CHINA = timezone(timedelta(hours=8))
MONTHS = 12

FUNNEL = [("reported", "收到报告"), ("registered", "入站登记"), ("stage:identity_search", "寻亲（身源查询）"),
          ("stage:return_home", "返乡"), ("handed_over", "交接"), ("follow_up_started", "跟踪随访")]


class Chart(BaseModel):
    key: str
    title: str
    note: str
    rows: list[tuple[str, str]]
    """The numbers as (label, shown value), the table beside the picture."""
    empty: bool


def _months(now: datetime) -> list[str]:
    y, m = now.year, now.month
    out = []
    for _ in range(MONTHS):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out[::-1]


async def _charts(ctx: Ctx, user: UserRecord, client: str | None,
                  draw_key: str | None = None) -> dict[str, tuple[Chart, bytes | None]]:
    """Every chart the user may see; the one called ``draw_key`` also drawn as SVG (None
    where it is not asked for or there is nothing to draw)."""
    out: dict[str, tuple[Chart, bytes | None]] = {}
    if user.role in SEES_FIGURES:
        now = datetime.now(CHINA)
        months = _months(now)
        async with ctx.pool.acquire() as conn:
            stations = await subtree_station_ids(conn, node_path=user.node_path)
            since = datetime.fromisoformat(months[0] + "-01T00:00:00+08:00")
            per_month = await charts_repo.cases_per_month(conn, station_ids=stations, since=since)
            funnel = await charts_repo.stage_funnel(conn, station_ids=stations)
            late = await charts_repo.overdue_by_unit(conn, station_ids=stations)
            calls = await charts_repo.hotline_per_month(conn, node_path=user.node_path, since=since)
            met = await charts_repo.patrol_encounters_per_month(conn, node_path=user.node_path, since=since)
            await audit(conn, user, action="read_figures", subject=f"node:{user.node_id}", allowed=True,
                        client=client, detail="charts")
        month_items = [(f"{int(m[5:])}月", per_month.get(m, 0)) for m in months]
        funnel_items = [(text, funnel.get(key, 0)) for key, text in FUNNEL]
        late_items = [(f"{unit}·{label(Role(role))}", n) for unit, role, n in late]
        call_items = [(f"{int(m[5:])}月", calls.get(m, 0)) for m in months]
        met_items = [(f"{int(m[5:])}月", met.get(m, 0)) for m in months]
        specs = [
            ("cases-per-month", "每月新立个案", f"近{MONTHS}个月，按立案月份（北京时间）", month_items,
             lambda items: draw.columns(items, title="每月新立个案", unit="")),
            ("funnel", "个案办理进度（漏斗）", "全部个案中走到每一步的个数", funnel_items,
             lambda items: draw.horizontal_bars(items, title="个案办理进度")),
            ("overdue-by-unit", "超期任务（按办理单位）", "本站个案中已超过期限的待办任务，按办理单位和岗位",
             late_items, lambda items: draw.horizontal_bars(items, title="超期任务", highlight=True)),
            ("hotline-per-month", "每月12349来电", f"近{MONTHS}个月，辖区内的求助、发现和咨询来电", call_items,
             lambda items: draw.columns(items, title="每月12349来电", unit="")),
            ("patrol-encounters", "专项巡查发现人员（按月）", f"近{MONTHS}个月，专项巡查中遇到的人员，按巡查开始月份",
             met_items, lambda items: draw.columns(items, title="专项巡查发现人员", unit="")),
        ]
        for key, title, note, items, make in specs:
            empty = not any(v for _, v in items)
            svg = None if empty or key != draw_key else await asyncio.to_thread(make, items)
            out[key] = (Chart(key=key, title=title, note=note, empty=empty,
                              rows=[(name, f"{v:,}") for name, v in items]), svg)
    if user.role in READS_FINANCE:
        report = await finance.treatment_report(ctx, user, None, client)
        rows = [(s.name, s.budget_fen, s.paid_fen, s.committed_fen, s.pending_fen) for s in report.stations]
        svg = (await asyncio.to_thread(draw.budget_bars, rows, title="救治资金使用")
               if draw_key == "budget" and rows else None)
        out["budget"] = (Chart(
            key="budget", title=f"{report.year}年救治资金使用", note="已支付、已同意未支付、待审核，对照预算（元）",
            empty=not rows, rows=[(s.name, f"预算 {s.budget_fen / 100:,.2f}，已用 "
                                   f"{(s.paid_fen + s.committed_fen) / 100:,.2f}，待审核 {s.pending_fen / 100:,.2f}")
                                  for s in report.stations]), svg)
    return out


@router.get("/charts")
async def charts_page(request: Request, ctx: Ctx, session: Sess) -> Response:
    user = session.user
    if user.role not in SEES_FIGURES and user.role not in READS_FINANCE:
        raise ApiError(403, "forbidden", "统计图表面向救助站、民政局和财政")
    charts = await _charts(ctx, user, client_address(request))
    return page(request, "charts/charts.html", nav="charts", charts=[c for c, _ in charts.values()])


@router.get("/charts/{key}.svg")
async def chart_svg(key: str, request: Request, ctx: Ctx, session: Sess) -> Response:
    charts = await _charts(ctx, session.user, client_address(request), draw_key=key)
    if key not in charts or charts[key][1] is None:
        raise ApiError(404, "not_found", "没有这张图")
    # An image document of its own: its inline styles are matplotlib's, no script at all.
    return Response(charts[key][1], media_type="image/svg+xml", headers={
        "Cache-Control": "no-store", "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
        "X-Content-Type-Options": "nosniff"})
