"""The audit log in words for the auditor's page: who (name, role, unit), what (the action),
on which record (a case by its number, a unit by its name) and the detail in Chinese — the
stored codes stay as they are (append-only), only their display changes."""

from __future__ import annotations

import re
import uuid
from typing import Any

from pydantic import BaseModel

from domain import enums
from domain.enums import Role, TaskKind, label

ACTIONS = {
    "login": "登录", "logout": "退出登录", "session_check": "失效登录被使用", "change_password": "修改密码",
    "reset_password": "重置密码", "read_case": "查看个案", "read_history": "查看流程历史",
    "list_cases": "查询个案列表", "list_tasks": "查看待办任务", "read_task": "查看任务",
    "complete_task": "办理任务", "create_case": "登记发现报告", "case_action": "个案事项",
    "read_figures": "查看统计", "read_desk": "查看协作单位工作台", "read_finance": "查看救治资金",
    "read_operations": "查看运行监控", "read_audit": "查看访问审计", "callback": "协作单位回调",
    "print_document": "打印文书", "export": "导出", "read_person": "查看受助人员",
    "hotline_call": "受理热线来电", "codec_decode": "解密流程数据", "codec_encode": "加密流程数据",
    "ledger_list": "查看台账", "ledger_read": "查看台账人员", "ledger_register": "台账登记",
    "ledger_intervention": "记录干预", "ledger_consolidate": "台账汇总", "ledger_close": "台账销号",
    "create_missing_report": "寻人登记", "read_missing_report": "查看寻人登记",
    "import_missing_reports": "导入公安失踪人员名单", "family_search": "寻亲比对",
    "family_search_decide": "确认或排除寻亲比对结果", "person_link": "查看或办理同一人认定",
    "person_merge": "合并为同一人", "person_keep_apart": "认定不是同一人",
    "person_split": "撤销合并（拆分）", "person_apart_withdrawn": "撤销“不是同一人”",
}
"""Chinese names of the audited actions (the part before a colon)."""
_CASE_ACTIONS = {"record_departure": "自行离站", "record_death": "登记死亡", "reclassify": "改变救助类型",
                 "transfer": "转移", "record_care": "照料服务", "refer_behaviour": "行为转介",
                 "request_treatment": "送医", "correct_identity": "更正身份信息"}
_DOCUMENTS = {"registration-form": "入站登记表", "ticket-voucher": "乘车凭证（换票凭证）",
              "handover-receipt": "交接回执", "departure-declaration": "自行离站声明书",
              "family-search-notice": "寻亲公告", "case-summary": "个案摘要"}
_WORDS = {"new": "新建", "repeat": "重复提交（未重复建立）", "lockout": "连续失败，账号已锁定",
          "bad_password": "密码错误", "charts": "统计图表", "overdue": "已超期任务", "due_today": "今天到期任务",
          "csv": "CSV", "xlsx": "Excel", "ledger": "台账", "hotline": "热线来电", "finance": "救治资金",
          "session:console": "通过网页登录", "session:api": "通过接口登录", "name": "按姓名", "id_number": "按身份证号码", "case_number": "按个案编号",
          "created": "新登记", "duplicate": "已登记过（未重复登记）", "candidates": "比对结果",
          "confirm": "确认是其家属", "reject": "排除", "confirmed": "确认是其家属", **_DOCUMENTS}
_KEYS = {"rows": "共{}条", "search": "查找方式：{}", "stage": "阶段：{}", "classification": "救助类型：{}",
         "minor": "未成年人：{}", "node_id": "单位：{}", "overdue": "已超期：{}", "due_today": "今天到期：{}",
         "in_station": "在站：{}", "scanned": "检查了{}个个案", "shown": "显示{}个", "of": "共{}个",
         "open": "待办{}项", "done": "已办{}项", "imported": "新登记{}条", "duplicates": "已登记过{}条",
         "rejected": "未导入{}条", "other": "另一个案：{}", "report": "寻人登记：{}"}
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class Shown(BaseModel):
    """One audit line as the page shows it."""

    who: str
    who_role: str
    action: str
    subject: str
    subject_href: str | None
    detail: str


def case_ids(rows: list[Any]) -> list[uuid.UUID]:
    """The case ids the lines name (to look their numbers up in one query)."""
    return [uuid.UUID(r.subject[5:]) for r in rows if r.subject.startswith("case:") and _UUID.fullmatch(r.subject[5:])]


def _value(text: str, names: dict[str, str]) -> str:
    if text in ("True", "true"):
        return "是"
    if text in ("False", "false"):
        return "否"
    return _WORDS.get(text) or names.get(text) or _enum(text) or text


def _enum(text: str) -> str | None:
    for cls in (enums.Stage, enums.Classification, TaskKind, Role):
        if text in cls._value2member_map_:
            return label(cls(text))
    return None


def detail_text(detail: str | None, names: dict[str, str], case_numbers: dict[str, str]) -> str:
    if not detail:
        return ""
    parts = []
    for token in detail.split():
        if "=" in token:
            key, _, value = token.partition("=")
            shape = _KEYS.get(key, key + "：{}")
            parts.append(shape.format(_value(value, names)))
        elif token.startswith("task:"):
            parts.append("任务")
        else:
            parts.append(_value(token, names))
    text = "，".join(p for p in parts if p)
    return _UUID.sub(lambda m: case_numbers.get(m.group(0), "（编号略）"), text)


def subject_text(subject: str, names: dict[str, str], case_numbers: dict[str, str],
                 people: dict[str, str]) -> tuple[str, str | None]:
    kind, _, rest = subject.partition(":")
    if kind == "case":
        number = case_numbers.get(rest)
        return (f"个案 {number}", f"/console/cases/{rest}") if number else ("个案（编号无效）", None)
    if kind == "node":
        return names.get(rest, "单位"), None
    if kind == "user":
        return f"用户 {people.get(rest, rest)}", None
    if kind == "call":
        return "12349热线来电", None
    if kind == "finance":
        year = rest.rsplit(":", 1)[-1]
        return f"{year}年救治资金", None
    if kind == "inbox":
        return "待办任务", None
    if kind == "session":
        return "登录会话", None
    if kind == "ledger":
        return "台账", None
    if kind == "missing":
        return "寻人登记", None
    return subject, None


def _agency(username: str | None) -> str | None:
    """A callback's caller, ``agency:police``, as the agency's name."""
    if username and username.startswith("agency:"):
        code = username[7:]
        return "协作单位：" + (label(Role(code)) if code in Role._value2member_map_ else "外部系统")
    return None


def present(rows: list[Any], *, names: dict[str, str], case_numbers: dict[str, str],
            people: dict[str, str]) -> list[Shown]:
    out = []
    for r in rows:
        head, _, tail = r.action.partition(":")
        action = ACTIONS.get(head, "其他操作")
        if head == "case_action":
            action += f"：{_CASE_ACTIONS.get(tail, '其他')}"
        subject, href = subject_text(r.subject, names, case_numbers, people)
        role = label(Role(r.role)) if r.role in Role._value2member_map_ else ""
        unit = names.get(r.node_id or "", "")
        who = people.get(r.username or "") or _agency(r.username) or r.username or "（未登录）"
        out.append(Shown(who=who,
                         who_role=" · ".join(x for x in (role, unit) if x), action=action,
                         subject=subject, subject_href=href,
                         detail=detail_text(r.detail, names, case_numbers)))
    return out
