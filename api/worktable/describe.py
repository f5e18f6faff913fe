"""What a worktable row says: the person, the place, what to do next and by when, in Chinese
words the assignee uses (never a code, an id or an English value)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from api.console.render import cn_time, yuan
from db.worktable_repo import Contact, LateTask, WorkRow
from domain.enums import DiscoveryCondition, Role, Sex, TaskKind, label
from domain.network import StaffDuty


class SupervisionNote(BaseModel):
    """A supervision task in words: what is late, since when, who holds it, how to reach them."""

    late_kind: str
    late_since: datetime | None
    holder: str
    phones: list[str]
    late_task_id: str | None
    done: bool = False


class Row(BaseModel):
    """One worktable line."""

    task_id: str
    case_id: str
    case_number: str
    kind: TaskKind
    kind_label: str
    person: str
    is_minor: bool
    place: str
    next_step: str
    deadline: datetime
    overdue: bool
    assignee: str = ""
    supervision: SupervisionNote | None = None


def person_text(name: str | None, sex: str | None, *, reported: bool = False) -> str:
    """The person as a row names them: 张建国（男）, 李某（据报告）before registration, 姓名不详."""
    shown = name or "姓名不详"
    notes = ["据报告"] if reported and name else []
    if sex and sex in Sex._value2member_map_ and sex != Sex.UNKNOWN.value:
        notes.append(label(Sex(sex)))
    return shown + (f"（{'，'.join(notes)}）" if notes else "")


def _condition(ctx: dict[str, Any]) -> str:
    if ctx.get("condition_label"):
        return str(ctx["condition_label"])
    value = ctx.get("condition")
    if value in DiscoveryCondition._value2member_map_:
        return label(DiscoveryCondition(value))
    return ""


def place_and_step(row: WorkRow, note: SupervisionNote | None = None) -> tuple[str, str]:
    """(where the work is done, what to do next) for a task of this kind."""
    ctx = row.context
    station = row.station_name
    found_at = str(ctx.get("place") or "")
    origin = row.origin_name or str(ctx.get("origin_address") or "") or "流出地"
    kind = row.kind
    if kind == TaskKind.REGISTRATION:
        if ctx.get("guided"):
            return station, f"等候经引导的受助人员到站（发现于{found_at}），到站后入站登记并确定救助类型"
        return station, "入站登记：核实身份信息，确定救助类型" + (f"（发现于{found_at}）" if found_at else "")
    if kind == TaskKind.ESCORT:
        to = str(ctx.get("destination") or station)
        cond = _condition(ctx)
        return found_at or "发现地点", f"护送到{to}" + (f"（{cond}）" if cond else "")
    if kind == TaskKind.PSYCHIATRIC_ESCORT:
        return found_at or "发现地点", "护送至定点医院诊断治疗，并录入精神障碍患者信息"
    if kind == TaskKind.DNA_SAMPLE:
        where = f"{station}" + (f"（{row.station_address}）" if row.station_address else "")
        return where, "为该未成年人采集DNA样本（免费），录入打拐DNA信息库后填写样本编号"
    if kind == TaskKind.ARRIVAL_CONFIRMATION:
        return station, "确认受助人员已到站"
    if kind == TaskKind.IDENTITY_CONFIRMATION:
        return station, "公安户籍查询未查到：询问核实户籍地或流出地并填写"
    if kind == TaskKind.FAMILY_VERIFICATION:
        # What found the family (cases from before the patch say only that it was found).
        return station, f"{ctx.get('found_by') or '找到疑似家属'}：联系家属并核实关系"
    if kind == TaskKind.LONG_TERM_PLACEMENT:
        return station, "超过滞留期限仍未查明身份：安排托养机构"
    if kind == TaskKind.TICKET_VOUCHER:
        why = f"（上次被拒：{ctx['previous_refusal']}）" if ctx.get("previous_refusal") else ""
        return station, f"确定返乡目的地和乘车日期，开具换票凭证{why}"
    if kind == TaskKind.RETURN_ESCORT:
        dest = str(ctx.get("destination") or origin)
        return f"{station} → {dest}", f"护送返乡（车票{ctx.get('ticket', '—')}）"
    if kind == TaskKind.BOARDING_CONFIRMATION:
        dest = str(ctx.get("destination") or "目的地")
        when = str(ctx.get("travel_date") or "")
        train = f" {ctx['train']}次" if ctx.get("train") else ""
        return f"乘车站 → {dest}", f"核对车票{ctx.get('ticket', '')}（{when}{train}），走绿色通道协助上车并确认"
    if kind == TaskKind.HANDOVER_RECEIPT:
        return origin, f"接收从{station}返乡的受助人员，填写交接回执"
    if kind == TaskKind.FOLLOW_UP_VISIT:
        n = ctx.get("visit")
        hint = f"；{ctx['hint']}" if ctx.get("hint") else ""
        due = f"，{ctx['due_on']}前随访，可提前记录" if ctx.get("due_on") else ""
        return origin, (f"上门随访本人及家属（第{n}次{due}）{hint}" if n
                        else f"上门随访本人及家属{due}{hint}")
    if kind == TaskKind.REFERRAL:
        return origin, f"办理随访转介：{ctx.get('need', '')}，决定是否纳入"
    if kind == TaskKind.SETTLEMENT_REVIEW:
        amount = ctx.get("amount_fen")
        money = f"，金额{yuan(amount)}元" if isinstance(amount, int) else ""
        return station, f"审核定点医院结算凭证{ctx.get('voucher_no', '')}{money}"
    if kind == TaskKind.SUPERVISION and note is not None:
        since = cn_time(note.late_since) if note.late_since else "—"
        return note.holder, f"督办：“{note.late_kind}”自{since}起超期，由{note.holder}办理"
    return station, label(kind)


def supervision_note(row: WorkRow, late: LateTask | None, names: dict[str, str],
                     contacts: dict[str, list[Contact]]) -> SupervisionNote:
    """The supervision task's late task in words (its context holds only codes)."""
    ctx = row.context
    kind_code = (late.kind.value if late else ctx.get("overdue_kind")) or ""
    late_kind = label(TaskKind(kind_code)) if kind_code in TaskKind._value2member_map_ else "任务"
    node_id = late.assignee_node_id if late else str(ctx.get("overdue_assignee_node") or "")
    role = late.assignee_role if late else None
    unit = (late.node_name if late else names.get(node_id)) or "办理单位"
    holder = unit + (f"·{label(role)}" if isinstance(role, Role) else "")
    phones = [f"{c.name}（{_duty(c.duty)}）{c.phone}" for c in contacts.get(node_id, [])][:3]
    if late and late.node_phone:
        phones.insert(0, f"{unit}值班电话 {late.node_phone}")
    return SupervisionNote(late_kind=late_kind, late_since=late.deadline if late else None,
                           holder=holder, phones=phones,
                           late_task_id=str(late.task_id) if late else ctx.get("overdue_task_id"),
                           done=bool(late and late.status.value != "open"))


def _duty(code: str) -> str:
    return label(StaffDuty(code)) if code in StaffDuty._value2member_map_ else "工作人员"


def to_row(row: WorkRow, *, note: SupervisionNote | None = None, assignee: str = "") -> Row:
    place, step = place_and_step(row, note)
    overdue = row.overdue or row.deadline < datetime.now(row.deadline.tzinfo)
    return Row(task_id=str(row.task_id), case_id=str(row.case_id), case_number=row.case_number,
               kind=row.kind, kind_label=label(row.kind),
               person=person_text(row.person_name, row.sex, reported=row.name_reported),
               is_minor=row.is_minor, place=place, next_step=step, deadline=row.deadline,
               overdue=overdue, assignee=assignee, supervision=note)
