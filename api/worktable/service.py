"""The worktables: each user's open tasks as rows that say what to do, the station's late and
due-today tasks behind the dashboard's counts, the 12349 calls waiting on a station or on the
hotline, and the header's count of new work."""

from __future__ import annotations

import uuid
from datetime import datetime

from api.audit.trail import audit
from api.auth.access import Sensitive, masked_context, sees
from api.context import AppContext
from api.worktable.describe import Row, SupervisionNote, supervision_note, to_row
from db import worktable_repo as repo
from db.network_repo import list_nodes
from db.users_repo import UserRecord
from db.worktable_repo import STATION_ROLES, Pulse, WorkRow
from domain.enums import Role, TaskKind, label

_HIDDEN = {TaskKind.DNA_SAMPLE: Sensitive.DNA, TaskKind.PSYCHIATRIC_ESCORT: Sensitive.PSYCHIATRIC}
"""Task kinds a role without the right may not see (as in the case's open tasks)."""


def _masked(user: UserRecord, row: WorkRow) -> WorkRow:
    return row.model_copy(update={"context": masked_context(user, row.kind, row.context)})


async def _notes(conn: object, user: UserRecord, rows: list[WorkRow]) -> dict[str, SupervisionNote]:
    """The late task of every supervision row, in words."""
    sup = [r for r in rows if r.kind == TaskKind.SUPERVISION]
    if not sup:
        return {}
    ids = []
    for r in sup:
        try:
            ids.append(uuid.UUID(str(r.context.get("overdue_task_id"))))
        except ValueError:
            continue
    late = await repo.tasks_by_ids(conn, task_ids=ids)  # type: ignore[arg-type]
    node_ids = sorted({t.assignee_node_id for t in late.values()}
                      | {str(r.context.get("overdue_assignee_node") or "") for r in sup})
    people = await repo.contacts(conn, node_ids=node_ids)  # type: ignore[arg-type]
    names = {n.node_id: n.name for n in await list_nodes(conn)}  # type: ignore[arg-type]
    for key, task in list(late.items()):
        if task.kind in _HIDDEN and not sees(user, _HIDDEN[task.kind]):
            del late[key]  # the role may not know what kind of task it was
    return {str(r.task_id): supervision_note(r, late.get(str(r.context.get("overdue_task_id"))),
                                             names, people) for r in sup}


async def my_work(ctx: AppContext, user: UserRecord, client: str | None, limit: int = 100) -> list[Row]:
    """The user's open tasks (their node and role), late first, as rows that say what to do."""
    async with ctx.pool.acquire() as conn:
        rows = [_masked(user, r) for r in await repo.open_work(conn, node_id=user.node_id,
                                                                role=user.role, limit=limit)]
        notes = await _notes(conn, user, rows)
        await audit(conn, user, action="list_tasks", subject=f"node:{user.node_id}", allowed=True,
                    client=client)
    return [to_row(r, note=notes.get(str(r.task_id))) for r in rows
            if r.kind not in _HIDDEN or sees(user, _HIDDEN[r.kind])]


async def describe_task(ctx: AppContext, user: UserRecord, task_id: str) -> Row | None:
    """One task's row (for its page; the caller has already been allowed to read the task)."""
    async with ctx.pool.acquire() as conn:
        row = await repo.one_task(conn, task_id=uuid.UUID(task_id))
        if row is None:
            return None
        row = _masked(user, row)
        notes = await _notes(conn, user, [row])
    return to_row(row, note=notes.get(str(row.task_id)))


async def station_work(ctx: AppContext, user: UserRecord, station_ids: list[str], which: str,
                       end_of_today: datetime, client: str | None) -> list[Row]:
    """The open tasks of the stations' cases, late (``which`` 'overdue') or due later today
    ('due_today'): exactly what the dashboard counts, each with who holds it."""
    async with ctx.pool.acquire() as conn:
        rows = [_masked(user, r) for r in await repo.station_work(
            conn, station_ids=station_ids, which=which, end_of_today=end_of_today)]
        names = {n.node_id: n.name for n in await list_nodes(conn)}
        notes = await _notes(conn, user, rows)
        await audit(conn, user, action="list_tasks", subject=f"node:{user.node_id}", allowed=True,
                    client=client, detail=which)
    out = []
    for r in rows:
        holder = f"{names.get(r.assignee_node_id, '办理单位')}·{label(r.assignee_role)}"
        row = to_row(r, note=notes.get(str(r.task_id)), assignee=holder)
        if r.kind in _HIDDEN and not sees(user, _HIDDEN[r.kind]):
            row = row.model_copy(update={"next_step": "（您的岗位不可查看该任务内容）",
                                         "kind_label": "（不可查看）"})
        out.append(row)
    return out


async def dispatches(ctx: AppContext, user: UserRecord) -> list[repo.DispatchedCall]:
    """12349 calls dispatched to the user's station and not yet answered there."""
    if user.role not in STATION_ROLES:
        return []
    async with ctx.pool.acquire() as conn:
        return await repo.dispatched_calls(conn, node_id=user.node_id)


async def callbacks(ctx: AppContext, user: UserRecord) -> list[repo.PendingCallback]:
    """The hotline's calls whose caller waits to be told the outcome."""
    if user.role != Role.HOTLINE_OPERATOR:
        return []
    async with ctx.pool.acquire() as conn:
        return await repo.pending_callbacks(conn)


async def pulse(ctx: AppContext, user: UserRecord) -> Pulse:
    """The header's count of new work: late tasks, supervision, dispatches, call-backs."""
    async with ctx.pool.acquire() as conn:
        return await repo.pulse(conn, node_id=user.node_id, role=user.role,
                                station=user.role in STATION_ROLES,
                                hotline=user.role == Role.HOTLINE_OPERATOR)
