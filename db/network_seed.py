"""Demo registry of the demo network: staff, beds, equipment, signs and liaisons, some nodes up
to standard and some behind, so the compliance view has something to say. Idempotent."""

from __future__ import annotations

import uuid
import zlib

import asyncpg

from db import oversight_repo, registry_repo
from domain.network import (
    COUNTY_EQUIPMENT,
    TOWNSHIP_EQUIPMENT,
    Equipment,
    NodeProfile,
    StaffDuty,
)
from domain.oversight import GroupPosition, MemberInput

_NS = uuid.UUID("6f1d7c8e-5a0b-4c1e-9d61-12349a000005")

_STAFF: dict[str, list[tuple[str, StaffDuty]]] = {
    "city-station": [("陈站长", StaffDuty.HEAD), ("刘社工", StaffDuty.STAFF), ("何接线员", StaffDuty.STAFF),
                     ("韩社工", StaffDuty.STAFF), ("冯司机", StaffDuty.STAFF), ("褚护理员", StaffDuty.STAFF)],
    "dh-station": [("卫站长", StaffDuty.HEAD), ("赵社工", StaffDuty.STAFF), ("蒋社工", StaffDuty.STAFF),
                   ("沈社工", StaffDuty.STAFF), ("杨司机", StaffDuty.STAFF)],
    "xs-station": [("朱站长", StaffDuty.HEAD), ("孙社工", StaffDuty.STAFF), ("秦社工", StaffDuty.STAFF)],
    "dh-t1": [("周专干", StaffDuty.DEDICATED_OFFICER)],
    "dh-t2": [("尤专干", StaffDuty.DEDICATED_OFFICER)],
    "xs-t1": [("许专干", StaffDuty.DEDICATED_OFFICER)],
    "xs-t2": [("魏专干", StaffDuty.DEDICATED_OFFICER)],
    # every community has its liaison (each with a login, db/seed.py); the points behind
    # the standard lack an office or a sign
    "dh-t1-c1": [("吴联络员", StaffDuty.LIAISON)],
    "dh-t1-c2": [("吕联络员", StaffDuty.LIAISON)],
    "dh-t2-c1": [("施联络员", StaffDuty.LIAISON)],
    "dh-t2-c2": [("曹联络员", StaffDuty.LIAISON)],
    "xs-t1-c1": [("郑联络员", StaffDuty.LIAISON)],
    "xs-t1-c2": [("潘联络员", StaffDuty.LIAISON)],
    "xs-t2-c1": [("张联络员", StaffDuty.LIAISON)],
    "xs-t2-c2": [("谢联络员", StaffDuty.LIAISON)],
}

_ALL_COUNTY = list(COUNTY_EQUIPMENT) + [Equipment.EMERGENCY_SUPPLIES]
_ALL_TOWNSHIP = list(TOWNSHIP_EQUIPMENT)
_SIGN = "救助网点 · 中心电话 {phone} · 救助热线 12349（24小时）"

_PROFILES: dict[str, NodeProfile] = {
    "city-station": NodeProfile(has_office=True, office_rooms=6, beds=60, daily_necessities=True,
                                equipment=_ALL_COUNTY, sign_installed=True),
    "dh-station": NodeProfile(has_office=True, office_rooms=4, beds=30, daily_necessities=True,
                              equipment=_ALL_COUNTY, sign_installed=True),
    "xs-station": NodeProfile(has_office=True, office_rooms=2, beds=12, daily_necessities=True,
                              equipment=[e for e in _ALL_COUNTY if e != Equipment.RESCUE_VEHICLE]),
    "dh-t1": NodeProfile(has_office=True, office_rooms=2, beds=6, daily_necessities=True,
                         equipment=_ALL_TOWNSHIP, sign_installed=True, has_ledger=True,
                         has_procedures=True),
    "dh-t2": NodeProfile(has_office=True, office_rooms=1, beds=4, daily_necessities=True,
                         equipment=_ALL_TOWNSHIP, sign_installed=False, has_ledger=True,
                         has_procedures=True),
    "xs-t1": NodeProfile(has_office=True, office_rooms=1, beds=2, daily_necessities=False,
                         equipment=[Equipment.DESK, Equipment.PHONE], has_ledger=True),
    "dh-t1-c1": NodeProfile(has_office=True, sign_installed=True),
    "dh-t1-c2": NodeProfile(has_office=True, sign_installed=True),
    "dh-t2-c1": NodeProfile(has_office=True, sign_installed=False),
    "xs-t1-c1": NodeProfile(has_office=True, sign_installed=True),
    "xs-t2-c1": NodeProfile(has_office=False, sign_installed=False),
}


_CITY_GROUP = (("李副市长", "市政府分管副市长", "leader"), ("王局长", "市民政局局长", "deputy"),
               ("赵副秘书长", "市政府副秘书长", "deputy"), ("孙副局长", "市公安局副局长", "member"),
               ("钱副局长", "市城管执法局副局长", "member"), ("吴副局长", "市卫生局副局长", "member"),
               ("郑副局长", "市财政局副局长", "member"), ("冯副局长", "市交通运输局副局长", "member"))


async def load_network_demo(conn: asyncpg.Connection) -> None:
    """Profiles and staff of the demo nodes; nodes that already have a profile are left as
    they are (a demo edit survives a restart)."""
    existing = {r["node_id"] for r in await conn.fetch("SELECT node_id FROM node_profiles")}
    for node_id, profile in _PROFILES.items():
        if node_id in existing:
            continue
        phone = await conn.fetchval("SELECT phone FROM org_nodes WHERE node_id = $1", node_id)
        if profile.sign_installed:
            profile = profile.model_copy(update={"sign_text": _SIGN.format(phone=phone or "—")})
        await registry_repo.save_profile(conn, node_id=node_id, profile=profile, by="seed")
    for node_id, people in _STAFF.items():
        for i, (name, duty) in enumerate(people):
            phone = f"1390000{zlib.crc32(node_id.encode()) % 1000:03d}{i}" if duty != StaffDuty.STAFF else None
            await registry_repo.add_staff(conn, node_id=node_id, name=name, duty=duty, phone=phone,
                                          staff_id=uuid.uuid5(_NS, f"{node_id}/{name}"))
    if not await oversight_repo.members(conn, node_id="city-bureau"):
        for name, department, position in _CITY_GROUP:
            await oversight_repo.add_member(conn, node_id="city-bureau", data=MemberInput(
                name=name, department=department, position=GroupPosition(position)))
