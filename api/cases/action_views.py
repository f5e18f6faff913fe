"""The case's actions as console forms (自行离站, 死亡, 改变救助类型, 转移, 照料服务, 行为转介,
送医): each sends the same Workflow Update as its JSON endpoint; the case's rules answer in
Chinese next to the form (a refusal) or next to a field (a value that does not fit)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ValidationError

from api.cases import actions as api_actions
from api.cases import service as case_service
from api.console import forms
from api.console.forms import Field, Option
from api.console.render import ConsoleRoute, page, see_other
from api.console.session import Sess, checked_form
from api.deps import Ctx, client_address
from api.errors import ApiError
from db.network_repo import STATION_LEVELS, list_nodes
from domain import case_actions as contracts
from domain.completion import _message
from domain.enums import CareService, Classification, label
from workflows.rescue_case import RescueCaseWorkflow

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)


@dataclass
class Action:
    """One case action: its page, its rules in words, its form, and the update it sends."""

    key: str
    title: str
    rules: str
    update: Any
    contract: type[BaseModel]
    body: type[BaseModel]
    fields: list[Field] = field(default_factory=list)
    button: str = "提交"
    danger: bool = False


def _yesno(name: str, text: str, hint: str | None = None) -> Field:
    return Field(name=name, label=text, kind="yesno", required=True, hint=hint,
                 options=[Option("true", "是"), Option("false", "否")])


ACTIONS: dict[str, Action] = {a.key: a for a in (
    Action("departure", "自行离站", "开放性救助人员可随时离站：请本人签署自行离站声明书（可先打印），"
           "未签署即离站视为放弃救助。可发放不超过20元的短途路费，须本人签收。保护性救助人员（含全部未成年人）"
           "不能自行离站，只能交由监护人或有关机构接领。",
           RescueCaseWorkflow.record_departure, contracts.DepartureInput, api_actions.DepartureBody,
           [_yesno("declaration_signed", "本人是否已签署自行离站声明书", "选“否”表示未办理手续离站，视为放弃救助"),
            Field(name="fare_yuan", label="发放短途路费（元）", kind="text", hint="不超过20元，没有发放填0或不填",
                  max_length=6),
            Field(name="notes", label="备注", kind="textarea", max_length=500)],
           button="登记离站（个案将终止）", danger=True),
    Action("death", "死亡", "受助人员在救助期间死亡：记录时间、地点和原因（由医疗机构或公安机关认定），"
           "报告公安机关，并制作终止救助通知书。个案随即终止，全部待办任务撤销。",
           RescueCaseWorkflow.record_death, contracts.DeathInput, api_actions.DeathBody,
           [Field(name="died_at", label="死亡时间", kind="datetime", required=True, hint="不能晚于现在"),
            Field(name="place", label="死亡地点", kind="text", required=True, max_length=200),
            Field(name="cause", label="死亡原因（医疗机构或公安认定）", kind="textarea", required=True,
                  max_length=500),
            _yesno("police_notified", "是否已报告公安机关"),
            Field(name="notes", label="备注", kind="textarea", max_length=1000)],
           button="登记死亡（个案将终止）", danger=True),
    Action("reclassify", "改变救助类型", "入站登记后可以重新甄别。规则不变：未成年人和无民事行为能力人"
           "一律实行保护性救助；改变的理由记入个案。",
           RescueCaseWorkflow.reclassify, contracts.ReclassifyInput, api_actions.ReclassifyBody,
           [Field(name="classification", label="新的救助类型", kind="select", required=True,
                  options=[Option(c.value, label(c)) for c in Classification]),
            Field(name="reason", label="理由", kind="textarea", required=True, max_length=500)]),
    Action("transfer", "转移", "转到本市另一救助站：个案连同历史记录和待办任务一并转移。"
           "转到外地救助站：本市个案随即终止。两者选其一。",
           RescueCaseWorkflow.transfer, contracts.TransferInput, api_actions.TransferBody,
           [Field(name="to_station_node_id", label="转入本市救助站", kind="select",
                  empty_label="（不转本市救助站）"),
            Field(name="to_external_station", label="或转入外地救助站（名称）", kind="text", max_length=100),
            Field(name="reason", label="转移理由", kind="textarea", required=True, max_length=500)]),
    Action("care", "照料服务", "记录在站期间提供的服务。技能培训面向14周岁以上的未成年人。",
           RescueCaseWorkflow.record_care, contracts.CareRecordInput, api_actions.CareBody,
           [Field(name="service", label="服务内容", kind="select", required=True,
                  options=[Option(c.value, label(c)) for c in CareService]),
            Field(name="notes", label="说明", kind="textarea", max_length=500)]),
    Action("behaviour-referral", "行为转介", "强讨恶要、诈骗、组织乞讨、妨碍交通等由公安机关处理，"
           "损毁公共设施由城管部门处理。系统只记录移交，不作处罚。",
           RescueCaseWorkflow.refer_behaviour, contracts.BehaviourReferralInput, api_actions.BehaviourBody,
           [Field(name="behaviour", label="行为", kind="text", required=True, max_length=200,
                  hint="如：强讨恶要、损毁公共设施"),
            Field(name="referred_to", label="移交部门", kind="select", required=True,
                  options=[Option("police", "公安机关"), Option("urban_management", "城管部门")]),
            Field(name="notes", label="说明", kind="textarea", max_length=500)]),
    Action("treatment", "送医", "先救治后结算：通知定点医院收治，开具救治介绍信；"
           "出院、结算凭证由医院回传，救助站站长审核结算。病情属于敏感信息。",
           RescueCaseWorkflow.request_treatment, contracts.TreatmentRequestInput, api_actions.TreatmentBody,
           [Field(name="reason", label="病情（敏感信息）", kind="textarea", required=True, max_length=500)],
           button="送定点医院救治"),
    Action("identity-correction", "更正身份信息", "入站登记后得知或核实了姓名、身份证号码、出生日期或户籍地时，"
           "在此补充或更正：只填要改的项，并写明信息来源。每次更正连同办理人和理由记入个案；"
           "按更正后的年龄为未成年人的，改为保护性救助；寻亲期间可立即重新进行公安户籍查询。",
           RescueCaseWorkflow.correct_identity, contracts.IdentityCorrectionInput,
           api_actions.IdentityCorrectionBody,
           [Field(name="name", label="姓名", kind="text", max_length=50),
            Field(name="id_number", label="身份证号码", kind="text", max_length=18),
            Field(name="birth_date", label="出生日期", kind="date"),
            Field(name="origin_address", label="户籍地或流出地地址", kind="text", max_length=200),
            Field(name="reason", label="更正理由（信息来源）", kind="textarea", required=True, max_length=500,
                  hint="如：本人提供户口簿；家属来电核实"),
            Field(name="lookup_again", label="更正后重新进行公安户籍查询", kind="checkbox", default=True)],
           button="保存更正"),
)}


def _fen(text: str) -> int | str:
    """Yuan typed by a person (up to two decimals) as integer fen, or the text when it is not one."""
    text = text.strip() or "0"
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    fen = value * 100
    return int(fen) if fen == fen.to_integral_value() else text


async def _fields(ctx: Ctx, action: Action, station_node_id: str) -> list[Field]:
    fields = [Field(**vars(f)) for f in action.fields]  # a fresh copy per page
    if action.key == "transfer":
        async with ctx.pool.acquire() as conn:
            nodes = await list_nodes(conn)
        fields[0].options = [Option(n.node_id, n.name) for n in nodes
                             if n.level in STATION_LEVELS and n.node_id != station_node_id]
    return fields


def _payload(action: Action, fields: list[Field], data: dict[str, str]) -> dict[str, Any]:
    payload = forms.to_payload(fields, data)
    if action.key == "departure":
        payload.pop("fare_yuan", None)
        payload["fare_fen"] = _fen(data.get("fare_yuan", ""))
    return payload


def _errors(exc: ValidationError, action: Action) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for e in exc.errors(include_url=False):
        name = str(e["loc"][0]) if e["loc"] else ""
        if name == "fare_fen":
            name = "fare_yuan"
            msg = "短途路费不能超过20元，最多两位小数" if e["type"] != "missing" else "必填"
        else:
            msg = _message(e) or str(e["msg"]).removeprefix("Value error, ")
        out.setdefault(name, []).append(msg)
    return out


def _render(request: Request, action: Action, case: Any, fields: list[Field], values: dict[str, Any],
            errors: dict[str, list[str]] | None = None, top: list[str] | None = None,
            status: int = 200) -> Response:
    return page(request, "cases/action.html", status=status, nav="cases", action=action, case=case,
                items=fields, values=values, errors=errors or {}, top=top or [],
                labels=forms.field_labels(fields),
                ids={n: forms.element_id(fields, n) for n in (errors or {})})


def _action(key: str) -> Action:
    if key not in ACTIONS:
        raise ApiError(404, "not_found", "找不到该页面")
    return ACTIONS[key]


@router.get("/cases/{case_id}/actions/{key}")
async def action_form(case_id: str, key: str, request: Request, ctx: Ctx, session: Sess) -> Response:
    action = _action(key)
    case = await case_service.read_case(ctx, session.user, case_id, client_address(request))
    fields = await _fields(ctx, action, case.station_node_id)
    values = forms.initial_values(fields)
    if key == "death":
        values["died_at"] = ""
    return _render(request, action, case, fields, values)


@router.post("/cases/{case_id}/actions/{key}")
async def action_submit(case_id: str, key: str, request: Request, ctx: Ctx, session: Sess) -> Response:
    action = _action(key)
    data = await checked_form(request, ctx, session)
    case = await case_service.read_case(ctx, session.user, case_id, client_address(request))
    fields = await _fields(ctx, action, case.station_node_id)
    values = forms.submitted_values(fields, data)
    try:
        body = action.body.model_validate(_payload(action, fields, data))
    except ValidationError as exc:
        errors = _errors(exc, action)
        return _render(request, action, case, fields, values, errors, status=422)
    try:
        await api_actions._act(ctx, session.user, case_id, request, action.update, action.contract, body)
    except ApiError as exc:
        if exc.status in (401, 403, 404):
            raise
        return _render(request, action, case, fields, values, top=[exc.message], status=exc.status)
    return see_other(f"/console/cases/{case_id}?notice=action_done")
