"""The task page: the task's context and a form generated from its payload schema; the
workflow validates the submission and errors come back next to their fields."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from api.console import forms
from api.console.render import ConsoleRoute, cn_time, page, see_other
from api.console.session import Sess, Session, checked_form
from api.context import AppContext
from api.deps import Ctx, client_address
from api.errors import ApiError
from api.photos.views import PhotoPanel, photo_panel
from api.tasks import service as task_service
from api.worktable import service as work
from api.worktable.describe import Row
from db.network_repo import OrgNode, list_nodes
from domain import enums
from domain.enums import NodeLevel, TaskKind, TaskStatus, label
from domain.person import PersonDetails

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)

_REASONS = {
    "police_lookup_without_result": "公安户籍查询未查到匹配的户籍信息",
    "household_not_found": "公安户籍查询未查到匹配的户籍信息，已按体貌特征请公安比对",
    "no_identifiers": "本人未提供姓名和身份证号码，无法查询户籍，已按体貌特征请公安比对",
}
REFERRAL_NEEDS = ("低保", "特困供养", "临时救助", "医疗救助", "教育救助", "住房救助", "就业帮扶",
                  "残疾人两项补贴", "心理疏导")
"""The assistance programmes a follow-up visit refers to most often (others may be typed)."""
_CONTEXT_LABELS = {
    "channel": "发现途径", "place": "发现地点", "apparent_minor": "疑似未成年人",
    "condition": "人员状况", "reason": "任务原因", "origin_address": "户籍地或流出地",
    "household_address": "户籍地址", "community_node_id": "户籍地社区", "previous_refusal": "上次换票被拒原因",
    "found_by": "如何找到",
    "destination": "目的地", "travel_date": "乘车日期", "train": "车次", "ticket": "车票号",
    "escorted": "需要护送", "visit": "随访", "hint": "提示", "need": "转介事项",
    "voucher_no": "结算凭证号", "amount_fen": "金额", "admission_no": "住院号", "items": "明细",
    "task_kind": "任务", "overdue_since": "超期时间", "guided": "已引导自行到站",
    "stage": "阶段", "classification": "救助类型",
    "searches": "已查询次数", "searched": "查询内容", "search_result": "最近一次查询结果",
    "last_search_at": "最近一次查询时间", "next_search_at": "下次查询时间",
}
_CONTEXT_ENUMS = {key: getattr(enums, name) for key, name in (
    ("channel", "DiscoveryChannel"), ("condition", "DiscoveryCondition"), ("task_kind", "TaskKind"),
    ("stage", "Stage"), ("classification", "Classification"), ("sex", "Sex"),
) if hasattr(enums, name)}
"""Context keys whose value is a code of an enum: shown by its Chinese label."""


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "；".join(_text(v) for v in value)
    if isinstance(value, dict):
        return "，".join(_text(v) for v in value.values() if v not in (None, ""))
    return str(value)


def task_context(context: dict[str, Any], nodes: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """The task's context as (label, text) lines in Chinese: known keys get their label, a
    ``x_label`` companion stands in for ``x``, node ids are shown by name, money in yuan."""
    lines = []
    nodes = nodes or {}
    for key, value in context.items():
        if value is None or value == "" or value == [] or (key == "apparent_minor" and not value):
            continue
        if key.endswith("_label") and key.removesuffix("_label") in context:
            continue  # shown in place of its value
        if f"{key}_label" in context:
            text = str(context[f"{key}_label"])
        elif key in _CONTEXT_ENUMS and value in _CONTEXT_ENUMS[key]._value2member_map_:
            text = label(_CONTEXT_ENUMS[key](value))
        elif key == "reason":
            text = _REASONS.get(str(value), str(value))
        elif key == "visit":
            text = f"第{value}次"
        elif key == "searches":
            text = f"{value}次"
        elif key.endswith("_at") and isinstance(value, str):
            text = cn_time(value)
        elif key == "amount_fen" and isinstance(value, int):
            text = f"{value / 100:.2f} 元"
        elif key.endswith("node_id") and isinstance(value, str):
            text = nodes.get(value, value)
        else:
            text = _text(value)
        lines.append((_CONTEXT_LABELS.get(key, key), text))
    return lines



class TaskForm:
    """A task with its form and the names of the network's nodes (for selects and context)."""

    def __init__(self, task: task_service.TaskDetail, nodes: list[OrgNode], row: Row | None = None,
                 photos: PhotoPanel | None = None):
        self.task = task
        self.row = row
        self.names = {n.node_id: n.name for n in nodes}
        self.items = forms.build_form(task.payload_schema)
        self.photos = photos
        for f in forms.iter_fields(self.items):
            if f.name == "photo_id":  # one of the case's uploaded photos, chosen by when
                f.kind = "select"
                f.label, f.hint = "入站照片", "先在上方“入站照片”中上传，再在此选择"
                f.empty_label = "未拍摄照片"
                f.options = [forms.Option(p.photo_id, f"第{i}张（{cn_time(p.uploaded_at)}上传）")
                             for i, p in enumerate(photos.photos if photos else [], 1)]
            if f.name == "classification":
                f.empty_label = "不选（由系统按规则判定）"
            if f.name == "person.has_civil_capacity":
                # Not a pre-ticked box: a minor's capacity follows from the age (the one rule
                # of who is a minor), an adult's is asked.
                f.kind, f.label = "select", "民事行为能力"
                f.options = [forms.Option("true", "完全民事行为能力"),
                             forms.Option("false", "无或限制民事行为能力")]
                f.empty_label = "未成年人不选（按年龄认定）"
                f.hint = "未满18周岁按年龄认定为未成年人，一律实行保护性救助；成年人请选择"
            if f.name == "needs":  # each need its own referral, granted or refused on its own
                f.kind, f.label = "choices", "需要转介的救助（每项单独转介、单独办理）"
                f.options = [forms.Option(n, n) for n in REFERRAL_NEEDS]
                f.hint = None
            if f.name == "boarded_at":
                f.hint = "已上车时填写，不能晚于现在"
            if f.name == "origin_node_id":  # chosen by name, not typed
                f.kind = "select"
                f.label, f.hint = "流出地社区(村)网点", "户籍地在本市时选择；本市以外不选"
                f.empty_label = "本市以外（不选）"
                f.options = [forms.Option(n.node_id, n.name) for n in nodes
                             if n.level == NodeLevel.COMMUNITY]

    @classmethod
    async def load(cls, ctx: AppContext, request: Request, session: Session,
                   task_id: str) -> TaskForm:
        task = await task_service.task_detail(ctx, session.user, task_id, client_address(request))
        async with ctx.pool.acquire() as conn:
            nodes = await list_nodes(conn)
        photos = None
        if task.kind == TaskKind.REGISTRATION and task.status == TaskStatus.OPEN:
            photos = await photo_panel(ctx, request, session.user, case_id=task.case_id,
                                       station_node_id=task.assignee_node_id,
                                       next_url=f"/console/tasks/{task.task_id}")
        return cls(task, nodes, await work.describe_task(ctx, session.user, task.task_id), photos)

    def initial(self) -> dict[str, Any]:
        """What the form shows first: the newest photo is the admission photo."""
        values = forms.initial_values(self.items)
        if self.photos and self.photos.photos:
            values["photo_id"] = self.photos.photos[-1].photo_id
        return values

    def _lines(self) -> list[tuple[str, str]]:
        """Who, where and what to do first (the worktable's words), then the task's context
        (a supervision task's codes are replaced by the late task in words)."""
        lines: list[tuple[str, str]] = []
        if self.row is not None:
            lines += [("受助人员", self.row.person + ("（未成年人）" if self.row.is_minor else "")),
                      ("地点", self.row.place), ("要做的事", self.row.next_step)]
            note = self.row.supervision
            if note is not None:
                lines += [("超期任务", note.late_kind), ("办理单位", note.holder),
                          ("联系方式", "；".join(note.phones) or "未登记联系电话")]
        context = {k: v for k, v in self.task.context.items() if not k.startswith("overdue_")}
        return lines + task_context(context, self.names)

    def page(self, request: Request, values: dict[str, Any],
             errors: dict[str, list[str]] | None = None, top: Iterable[str] = (),
             status: int = 200) -> Response:
        items = self.items
        return page(request, "tasks/task.html", status=status, task=self.task, items=items,
                    values=values, errors=errors or {}, top=list(top),
                    labels=forms.field_labels(items),
                    ids={name: forms.element_id(items, name) for name in (errors or {})},
                    context_lines=self._lines(),
                    done=self.task.status != TaskStatus.OPEN, photo_panel=self.photos)


def _adult_without_capacity_answer(ctx: AppContext, payload: dict[str, Any]) -> bool:
    """An adult's civil capacity must be chosen (a minor's follows from the age)."""
    person = payload.get("person")
    if not isinstance(person, dict) or "has_civil_capacity" in person:
        return False
    try:
        details = PersonDetails.model_validate(person)
    except ValidationError:
        return False  # the workflow's validation names what is wrong
    today = ctx.policy.local_date(datetime.now(UTC))
    return details.age_on(today) >= ctx.policy.adult_age


@router.get("/tasks/{task_id}")
async def task_form(task_id: str, request: Request, ctx: Ctx, session: Sess) -> Response:
    form = await TaskForm.load(ctx, request, session, task_id)
    return form.page(request, form.initial())


@router.post("/tasks/{task_id}")
async def task_submit(task_id: str, request: Request, ctx: Ctx, session: Sess) -> Response:
    data = await checked_form(request, ctx, session)
    form = await TaskForm.load(ctx, request, session, task_id)
    values = forms.submitted_values(form.items, data)
    case_url = f"/console/cases/{form.task.case_id}"
    payload = forms.to_payload(form.items, data)
    if form.task.kind == TaskKind.REGISTRATION and _adult_without_capacity_answer(ctx, payload):
        return form.page(request, values, {"person.has_civil_capacity": ["成年人请选择民事行为能力"]},
                         status=422)
    try:
        await task_service.complete(ctx, session.user, task_id, payload, client_address(request))
    except ApiError as exc:
        if exc.code == "task_already_done":
            return see_other(f"{case_url}?notice=done")
        if exc.code == "case_closed":
            return see_other(f"{case_url}?notice=closed")
        if exc.code == "invalid_payload":
            errors, loose = forms.place_errors(form.items, exc.details)
            if not errors and not loose:
                loose = [exc.message]
            return form.page(request, values, errors, loose, status=422)
        if exc.status in (401, 403, 404):
            raise
        # the workflow or the worker is out of reach: keep what was typed, say what to do
        return form.page(request, values, top=[exc.message], status=exc.status)
    return see_other(f"{case_url}?notice=submitted")
