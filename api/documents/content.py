"""The words and fields of each printed document of a case: 入站登记表, 乘车凭证（换票凭证）,
交接回执, 自行离站声明书, 寻亲公告 and the case summary. Pure: the facts come in, flowables go
out; what a role may not see is masked before it gets here."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, Image, Paragraph, Spacer

from api.cases.case_page import with_names
from api.console.render import cn_time, yuan
from api.exports.pdf import Line, form_table, paragraphs, style, title_block
from db.person_repo import KindSeen, Notice
from domain.case import CaseEvent
from domain.enums import DiscoveryChannel, Sex, label


@dataclass
class Facts:
    """What the documents of one case are made of, already masked for the printing user."""

    case_number: str
    stage: str
    classification: str
    outcome: str
    station: str
    station_address: str
    station_phone: str
    origin: str
    person: dict[str, Any]
    """The registration record (PersonDetails fields), masked."""
    is_minor: bool
    age: int | None
    channel: str
    seen: dict[str, KindSeen]
    ticket: dict[str, Any] | None
    notice: Notice | None
    events: list[CaseEvent]
    actors: dict[str, str]
    names: dict[str, str]
    printed_by: str
    printed_at: datetime
    open_tasks: list[tuple[str, str, datetime]] = field(default_factory=list)
    photo: bytes | None = None
    """The latest admission photo in clear, for the notice (roles that see photos only)."""


TITLES = {
    "registration-form": "入站登记表", "ticket-voucher": "乘车凭证（换票凭证）",
    "handover-receipt": "交接回执", "departure-declaration": "自行离站声明书",
    "family-search-notice": "寻亲公告", "case-summary": "个案摘要",
}


def _yes(value: Any) -> str:
    return {True: "是", False: "否"}.get(value, "不详")


def _sex(value: Any) -> str:
    return label(Sex(value)) if value in Sex._value2member_map_ else "不详"


def _footer(f: Facts) -> list[Flowable]:
    return [Spacer(1, 6), Paragraph(f"个案编号 {f.case_number} · {f.station} · 打印人 {f.printed_by} · "
                                    f"打印时间 {cn_time(f.printed_at)}", style(8.5))]


def _sign(*who: str) -> list[Flowable]:
    lines = [Line(""), *[Line(f"{w}（签字）：____________________　　日期：______年____月____日") for w in who]]
    return paragraphs(lines)


def registration_form(f: Facts) -> list[Flowable]:
    p = f.person
    registered = f.seen.get("registered")
    capacity = "未成年人（按年龄认定）" if f.is_minor else (
        "完全民事行为能力" if p.get("has_civil_capacity", True) else "无或限制民事行为能力")
    rows = [
        ("姓名", p.get("name") or "不详"), ("性别", _sex(p.get("sex"))),
        ("出生日期", str(p.get("birth_date") or "") or (f"约{p['estimated_age']}岁" if p.get("estimated_age") is not None else "不详")),
        ("年龄", f"{f.age}岁" if f.age is not None else "不详"),
        ("身份证号码", p.get("id_number") or "不详"), ("户籍地/流出地", f.origin or "不详"),
        ("民事行为能力", capacity), ("生活能否自理", "不能自理" if p.get("cannot_care_for_self") else "能自理"),
        ("是否享受低保", _yes(p.get("on_minimum_living_support"))),
        ("流浪原因与经过", p.get("reason") or ""), ("近亲属及联系方式", p.get("relatives_contact") or ""),
        ("随身物品", p.get("belongings") or ""), ("发现途径", f.channel),
        ("救助类型", f.classification), ("登记时间", cn_time(registered.occurred_at) if registered else ""),
        ("负责救助站", f.station),
    ]
    return [*title_block("求助人员入站登记表", f.station), form_table(rows),
            *_sign("受助人员", "登记人"), *_footer(f)]


def ticket_voucher(f: Facts) -> list[Flowable]:
    issued = f.seen.get("voucher_issued")
    number = str(issued.data.get("voucher_number", "")) if issued else ""
    t = f.ticket or {}
    dest = t.get("destination") or (issued.summary.rsplit("目的地", 1)[-1] if issued else "")
    rows = [
        ("凭证编号", number), ("乘车人", f.person.get("name") or "不详"),
        ("目的地", str(dest)), ("乘车日期", str(t.get("travel_date") or "")),
        ("车次", str(t.get("train") or "")), ("车票号", str(t.get("ticket_number") or "（换票后填写）")),
        ("开具单位", f"{f.station}（{f.station_phone}）" if f.station_phone else f.station),
        ("开具时间", cn_time(issued.occurred_at) if issued else ""),
    ]
    text = ("凭本凭证到车站售票处经绿色通道免费换取车票。换票单位请核对乘车人，"
            "换票后请协助乘车人上车。本凭证限本人当次使用，涂改无效。")
    return [*title_block("流浪乞讨人员救助乘车凭证（换票凭证）", f.station), form_table(rows),
            *paragraphs([Line(""), Line(text)]), *_sign("经办人", "换票单位经办人"), *_footer(f)]


def handover_receipt(f: Facts) -> list[Flowable]:
    t = f.ticket or {}
    done = f.seen.get("handed_over")
    rows = [
        ("受助人员", f.person.get("name") or "不详"), ("性别", _sex(f.person.get("sex"))),
        ("年龄", f"{f.age}岁" if f.age is not None else "不详"), ("送出救助站", f.station),
        ("接收地（流出地）", f.origin or "不详"),
        ("乘车", " ".join(str(x) for x in (t.get("travel_date"), t.get("train"), t.get("destination")) if x)),
        ("救助类型", f.classification),
        ("接收人", ""), ("与受助人员关系", ""), ("接收日期", cn_time(done.occurred_at)[:10] if done else ""),
    ]
    text = (f"今收到{f.station}送返的上述受助人员，人员身体状况及随身物品已当面交接清楚。"
            "流出地社区将纳入摸底排查台账并按季度跟踪随访。请接收后将本回执寄回或在系统中填写交接回执。")
    return [*title_block("受助人员交接回执", f"{f.station} → {f.origin or '流出地'}"), form_table(rows),
            *paragraphs([Line(""), Line(text)]), *_sign("接收人", "送返人"), *_footer(f)]


def departure_declaration(f: Facts) -> list[Flowable]:
    left = f.seen.get("left")
    fare = left.data.get("fare_fen") if left else None
    name = f.person.get("name") or "____________"
    text = (f"本人{name}，于{f.station}接受救助。现本人自愿离开救助站，"
            "自离站之时起救助终止，离站后的一切行为由本人负责。")
    fare_line = (f"本人已领取短途路费 {yuan(fare)} 元。" if isinstance(fare, int) and fare
                 else "本人已领取短途路费 ________ 元（不超过20元）。")
    return [*title_block("自行离站声明书", f.station),
            *paragraphs([Line(text), Line(""), Line(fare_line), Line(""),
                         Line("本人随身物品已全部领回。")]),
            *_sign("声明人", "经办人"), *_footer(f)]


def family_search_notice(f: Facts) -> list[Flowable]:
    text = with_names(f.notice.text, f.names) if f.notice else ""
    published = cn_time(f.notice.published_at) if f.notice else ""
    contact = f"联系单位：{f.station}" + (f"，地址：{f.station_address}" if f.station_address else "") + (
        f"，电话：{f.station_phone}" if f.station_phone else "") + "；全国救助热线 12349（24小时）。"
    return [*title_block("寻亲公告", f.station),
            *paragraphs([Line(text, 13), Line(""), Line(contact), Line(f"发布时间：{published}")]),
            *_photo(f.photo), *_footer(f)]


def _photo(data: bytes | None) -> list[Flowable]:
    """The person's photo, 45 mm wide, or a line saying that it is not printed here."""
    if data is None:
        return [Paragraph("（受助人员照片未随本公告打印）", style(9))]
    reader = ImageReader(io.BytesIO(data))
    width, height = reader.getSize()
    shown = 45 * mm
    return [Spacer(1, 4 * mm), Image(io.BytesIO(data), width=shown, height=shown * height / max(width, 1)),
            Paragraph("受助人员照片", style(9))]


def case_summary(f: Facts) -> list[Flowable]:
    rows = [("个案编号", f.case_number), ("受助人员", f.person.get("name") or "姓名不详"),
            ("年龄", f"{f.age}岁" if f.age is not None else "不详"), ("阶段", f.stage),
            ("救助类型", f.classification), ("结案情况", f.outcome or "办理中"), ("负责救助站", f.station),
            ("流出地", f.origin or "—"), ("发现途径", f.channel)]
    story = [*title_block("个案摘要", f.station), form_table(rows)]
    if f.open_tasks:
        story += paragraphs([Line(""), Line("待办任务", 12)])
        story.append(form_table([(kind, f"{who}，期限 {cn_time(deadline)}") for kind, who, deadline in f.open_tasks],
                                label_width=40 * 2.83))
    story += paragraphs([Line(""), Line("办理经过（最近的在前）", 12)])
    story.append(form_table([(cn_time(e.at), with_names(e.summary, f.names)
                              + (f"（{f.actors.get(e.actor, '')}）" if e.actor and f.actors.get(e.actor) else ""))
                             for e in f.events], label_width=36 * 2.83))
    return [*story, *_footer(f)]


BUILDERS = {"registration-form": registration_form, "ticket-voucher": ticket_voucher,
            "handover-receipt": handover_receipt, "departure-declaration": departure_declaration,
            "family-search-notice": family_search_notice, "case-summary": case_summary}


def channel_label(value: str | None) -> str:
    return label(DiscoveryChannel(value)) if value in DiscoveryChannel._value2member_map_ else "—"
