"""The network handbook (救助管理网络手册): a directory of every rescue point with address,
phone, the 12349 hotline, the liaison and the rescue rules, per county and for the whole city,
and the text of the street signs (救助引导牌) for each district. Built from the registry."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

HOTLINE = "12349"

RULES: tuple[str, ...] = (
    "救助对象：自身无力解决食宿、无亲友投靠、不享受城市最低生活保障或者农村五保供养、正在城市流浪乞讨度日的人员。",
    "救助原则：自愿求助、无偿救助；未成年人、老年人、残疾人等行动不便的人员由公安、城管等部门直接护送到救助机构。",
    "受理时间：救助机构和12349救助热线24小时受理求助，群众发现流浪乞讨人员可随时拨打12349反映。",
    "救助内容：提供符合食品卫生要求的食物、基本条件的住处；对在站内突发急病的及时送医院救治；"
    "帮助与其亲属或者所在单位联系；对没有交通费返回其住所地或者所在单位的，提供乘车凭证。",
    "危重病人和精神病人实行“先救治后结算、先救治后救助”。",
)


class HandbookEntry(BaseModel):
    """One rescue point of the directory."""

    node_id: str
    name: str
    level_label: str
    address: str | None = None
    phone: str | None = None
    liaisons: list[str] = Field(default_factory=list)
    """Names (and phones) of the liaisons or the dedicated officer."""
    beds: int = 0


class HandbookSection(BaseModel):
    """A county's (or the city's own) points."""

    title: str
    entries: list[HandbookEntry]


class SignText(BaseModel):
    """The text of a district's street sign."""

    district: str
    text: str


class Handbook(BaseModel):
    title: str
    generated_at: datetime
    hotline: str = HOTLINE
    rules: list[str] = Field(default_factory=lambda: list(RULES))
    sections: list[HandbookSection]
    signs: list[SignText]


def sign_text(district: str, station: str, address: str | None, phone: str | None) -> str:
    """What the sign at the district's streets says (the plan: principle, scope, address,
    phone and the hotline)."""
    return (f"{district}救助引导：生活无着的流浪乞讨人员可到{station}求助（地址：{address or '见网络手册'}；"
            f"电话：{phone or '—'}）。救助热线{HOTLINE}，24小时受理。自愿求助，无偿救助。")
