"""The dashboard's figures for station users: people in the station now by classification,
open cases per stage, tasks overdue and due today, recent reports. Every number is counted
over the stations of the user's subtree and links to the case list that shows it."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from pydantic import BaseModel

from api.audit.trail import audit
from api.auth.access import SEES_FIGURES
from api.cases.lists import IN_STATION, today_bounds
from api.context import AppContext
from db import figures_repo as repo
from db.network_repo import list_nodes
from db.scope_repo import subtree_station_ids
from db.users_repo import UserRecord
from domain.enums import Classification, DiscoveryChannel, Stage, label

CASES = "/console/cases"


def link(**params: object) -> str:
    """The case list with these filters (None and False left out)."""
    shown = {k: ("1" if v is True else v) for k, v in params.items() if v not in (None, False, "")}
    return f"{CASES}?{urlencode(shown)}" if shown else CASES


class Figure(BaseModel):
    label: str
    count: int
    href: str


class StationRow(BaseModel):
    """People in one station now, per classification (and not yet classified)."""

    node_id: str
    name: str
    cells: list[Figure]
    total: Figure


class RecentLine(BaseModel):
    case_id: str
    case_number: str
    channel_label: str
    created_at: datetime
    stage_label: str
    person_name: str | None
    is_minor: bool


class Figures(BaseModel):
    stations: list[StationRow]
    columns: list[str]
    stages: list[Figure]
    overdue: Figure
    due_today: Figure
    recent: list[RecentLine]


_COLUMNS: list[Classification | None] = [*Classification, None]


async def dashboard_figures(ctx: AppContext, user: UserRecord, client: str | None) -> Figures | None:
    """The figures of the user's stations, or None for roles that do not see them."""
    if user.role not in SEES_FIGURES:
        return None
    async with ctx.pool.acquire() as conn:
        station_ids = await subtree_station_ids(conn, node_path=user.node_path)
        if not station_ids:
            return None
        names = {n.node_id: n.name for n in await list_nodes(conn) if n.node_id in station_ids}
        cells = await repo.in_station(conn, station_ids=station_ids, stages=[s.value for s in IN_STATION])
        stages = await repo.by_stage(conn, station_ids=station_ids)
        overdue, due_today = await repo.task_deadlines(conn, station_ids=station_ids,
                                                       end_of_today=today_bounds(ctx)[1])
        recent = await repo.recent_reports(conn, station_ids=station_ids)
        await audit(conn, user, action="read_figures", subject=f"node:{user.node_id}", allowed=True,
                    client=client)
    counts = {(s, c): n for s, c, n in cells}
    rows = []
    for sid in station_ids:
        row = [Figure(label=label(c) if c else "待甄别",
                      count=counts.get((sid, c.value if c else None), 0),
                      href=link(in_station=True, node_id=sid, classification=c.value if c else None))
               for c in _COLUMNS]
        rows.append(StationRow(node_id=sid, name=names.get(sid, sid), cells=row,
                               total=Figure(label="合计", count=sum(f.count for f in row),
                                            href=link(in_station=True, node_id=sid))))
    return Figures(
        stations=rows, columns=[label(c) if c else "待甄别" for c in _COLUMNS],
        stages=[Figure(label=label(s), count=stages.get(s.value, 0), href=link(stage=s.value))
                for s in Stage if s != Stage.CLOSED],
        overdue=Figure(label="已超期", count=overdue, href="/console/tasks?which=overdue"),
        due_today=Figure(label="今天到期", count=due_today, href="/console/tasks?which=due_today"),
        recent=[RecentLine(case_id=str(r.case_id), case_number=r.case_number,
                           channel_label=_channel(r.channel), created_at=r.created_at,
                           stage_label=label(Stage(r.stage)) if r.stage else "正在建立",
                           person_name=r.person_name, is_minor=bool(r.is_minor))
                for r in recent],
    )


def _channel(value: str) -> str:
    return label(DiscoveryChannel(value)) if value in DiscoveryChannel._value2member_map_ else value
