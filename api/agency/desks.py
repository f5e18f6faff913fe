"""The agencies' desks in the console: each agency sees its own work and nothing else.

- police: open tasks grouped by kind (escorts, psychiatric escorts, DNA samples…), tasks
  done, and what the police systems answered (household lookups, DNA, lost-contact reports);
- hospital: patients admitted with an introduction letter, and its settlement vouchers;
- transport: boarding confirmations to do and done.
The answers of an agency's system are shown only to the agency node the workflows call.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from api.audit.trail import audit, deny_unless
from api.auth.access import AGENCY_DESKS, DESIGNATED
from api.context import AppContext
from api.tasks.service import TaskView, inbox, task_view
from db import desk_repo
from db.desk_repo import Admission, AgencyEvent, Settlement
from db.users_repo import UserRecord
from domain.enums import Role, TaskKind

POLICE_ANSWERS = ["identity_found", "identity_not_found", "identity_refused",
                  "features_not_found", "features_matched", "dna_submitted",
                  "dna_matched", "dna_no_match", "dna_match_late", "lost_contact_reported",
                  "psychiatric_registered"]
TITLES = {Role.POLICE: "公安工作台", Role.HOSPITAL: "定点医院工作台", Role.TRANSPORT: "交通运输工作台"}


@dataclass
class Desk:
    """What one agency user's desk shows."""

    title: str
    groups: list[tuple[str, list[TaskView]]] = field(default_factory=list)
    done: list[TaskView] = field(default_factory=list)
    answers: list[AgencyEvent] = field(default_factory=list)
    admissions: list[Admission] = field(default_factory=list)
    settlements: list[Settlement] = field(default_factory=list)

    @property
    def open_count(self) -> int:
        return sum(len(tasks) for _, tasks in self.groups)


def _grouped(tasks: list[TaskView]) -> list[tuple[str, list[TaskView]]]:
    groups: dict[str, list[TaskView]] = defaultdict(list)
    for t in tasks:
        groups[t.kind_label].append(t)
    return sorted(groups.items(), key=lambda g: (not any(t.overdue for t in g[1]), g[0]))


async def desk(ctx: AppContext, user: UserRecord, which: str, client: str | None) -> Desk:
    """The desk ``which`` (police, hospital, transport): 403 unless it is the user's own."""
    own = AGENCY_DESKS.get(user.role)
    async with ctx.pool.acquire() as conn:
        await deny_unless(conn, user, own == which, action="read_desk", subject=f"desk:{which}",
                          client=client,
                          message="该页面是其他协作单位的工作台" if own else
                          "该页面是协作单位（公安、医院、交通运输）的工作台")
    tasks = await inbox(ctx, user, limit=200, client=client)
    result = Desk(title=TITLES[user.role], groups=_grouped(tasks))
    kinds = [TaskKind.BOARDING_CONFIRMATION] if user.role == Role.TRANSPORT else None
    async with ctx.pool.acquire() as conn:
        done = await desk_repo.done_tasks(conn, node_id=user.node_id, role=user.role, kinds=kinds)
        result.done = [task_view(t, user) for t in done]
        if user.role == Role.POLICE and user.node_id == DESIGNATED.police:
            result.answers = await desk_repo.agency_events(conn, kinds=POLICE_ANSWERS)
        if user.role == Role.HOSPITAL and user.node_id == DESIGNATED.hospital:
            result.admissions = await desk_repo.admissions(conn)
            result.settlements = await desk_repo.settlements(conn)
        await audit(conn, user, action="read_desk", subject=f"desk:{user.node_id}", allowed=True,
                    client=client, detail=f"open={len(tasks)} done={len(done)}")
    return result
