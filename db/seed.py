"""The demo network (one city, two counties, two townships each, two communities each) and a
demo user for each role — and for each place a path can end: a head at every station, an
officer at every township, a liaison at every community. Idempotent: running it again adds what
is missing and changes nothing that exists.
"""

from __future__ import annotations

from typing import NamedTuple

import asyncpg

from db.network_repo import OrgNode, upsert_node
from db.network_seed import load_network_demo
from db.seed_finance import seed_budgets
from db.users_repo import insert_user_if_absent
from domain.enums import NodeLevel, Role
from rescue.security import hash_password
from rescue.settings import Settings


class DemoUser(NamedTuple):
    username: str
    display_name: str
    role: Role
    node_id: str


_COUNTIES = {
    "dh": ("东湖区", {"t1": ("湖滨街道", ("柳岸社区", "荷塘社区")), "t2": ("东城街道", ("朝阳社区", "春晖社区"))}),
    "xs": ("西山县", {"t1": ("青石镇", ("石桥村", "桃源村")), "t2": ("云岭乡", ("松林村", "溪口村"))}),
}

_AGENCIES = (
    ("police-city", "示范市公安局"),
    ("hospital-1", "示范市第一人民医院（定点医院）"),
    ("transport-rail", "示范火车站"),
    ("finance-city", "示范市财政局"),
)

DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("bureau", "王局长", Role.BUREAU_LEADER, "city-bureau"),
    DemoUser("station_head", "陈站长", Role.STATION_HEAD, "city-station"),
    DemoUser("caseworker", "刘社工", Role.CASEWORKER, "city-station"),
    DemoUser("dh_caseworker", "赵社工", Role.CASEWORKER, "dh-station"),
    DemoUser("xs_caseworker", "孙社工", Role.CASEWORKER, "xs-station"),
    # A head at every county station: settlement reviews and supervision of overdue tasks.
    DemoUser("dh_head", "卫站长", Role.STATION_HEAD, "dh-station"),
    DemoUser("xs_head", "朱站长", Role.STATION_HEAD, "xs-station"),
    # A dedicated officer at every township: referrals after a return, supervision of liaisons.
    DemoUser("township", "周专干", Role.TOWNSHIP_OFFICER, "dh-t1"),
    DemoUser("dh_t2_township", "尤专干", Role.TOWNSHIP_OFFICER, "dh-t2"),
    DemoUser("xs_t1_township", "许专干", Role.TOWNSHIP_OFFICER, "xs-t1"),
    DemoUser("xs_t2_township", "魏专干", Role.TOWNSHIP_OFFICER, "xs-t2"),
    # A liaison at every community: the handover of a person coming home, follow-up visits.
    DemoUser("liaison", "吴联络员", Role.LIAISON, "dh-t1-c1"),
    DemoUser("dh_t1_c2_liaison", "吕联络员", Role.LIAISON, "dh-t1-c2"),
    DemoUser("dh_t2_c1_liaison", "施联络员", Role.LIAISON, "dh-t2-c1"),
    DemoUser("dh_t2_c2_liaison", "曹联络员", Role.LIAISON, "dh-t2-c2"),
    DemoUser("xs_liaison", "郑联络员", Role.LIAISON, "xs-t1-c1"),
    DemoUser("xs_t1_c2_liaison", "潘联络员", Role.LIAISON, "xs-t1-c2"),
    DemoUser("xs_t2_c1_liaison", "张联络员", Role.LIAISON, "xs-t2-c1"),
    DemoUser("xs_t2_c2_liaison", "谢联络员", Role.LIAISON, "xs-t2-c2"),
    DemoUser("hotline", "何接线员", Role.HOTLINE_OPERATOR, "city-station"),
    DemoUser("police", "林警官", Role.POLICE, "police-city"),
    DemoUser("urban", "马队员", Role.URBAN_MANAGEMENT, "city-bureau"),
    DemoUser("hospital", "黄医生", Role.HOSPITAL, "hospital-1"),
    DemoUser("transport", "高站务", Role.TRANSPORT, "transport-rail"),
    DemoUser("finance", "钱会计", Role.FINANCE, "finance-city"),
    DemoUser("operator", "运维值班", Role.OPERATOR, "city-bureau"),
    DemoUser("auditor", "审计员", Role.AUDITOR, "city-bureau"),
)


async def _network(conn: asyncpg.Connection) -> None:
    bureau = await upsert_node(
        conn, node_id="city-bureau", parent=None, level=NodeLevel.BUREAU, name="示范市民政局",
        address="示范市人民路1号", phone="0000-12345",
    )
    city = await upsert_node(
        conn, node_id="city-station", parent=bureau, level=NodeLevel.CITY_STATION,
        name="示范市救助管理站", address="示范市站前路8号", phone="0000-12349",
    )
    for agency_id, agency_name in _AGENCIES:
        await upsert_node(conn, node_id=agency_id, parent=bureau, level=NodeLevel.AGENCY, name=agency_name)
    for code, (county, townships) in _COUNTIES.items():
        station: OrgNode = await upsert_node(
            conn, node_id=f"{code}-station", parent=city, level=NodeLevel.COUNTY_STATION,
            name=f"{county}救助管理站",
        )
        for tcode, (township, communities) in townships.items():
            town = await upsert_node(
                conn, node_id=f"{code}-{tcode}", parent=station, level=NodeLevel.TOWNSHIP,
                name=f"{county}{township}救助服务中心",
            )
            for i, community in enumerate(communities, start=1):
                await upsert_node(
                    conn, node_id=f"{code}-{tcode}-c{i}", parent=town, level=NodeLevel.COMMUNITY,
                    name=f"{township}{community}救助网点",
                )


async def load_demo(database_url: str, settings: Settings) -> None:
    """Load the demo network and users into the database at ``database_url``."""
    conn = await asyncpg.connect(database_url)
    try:
        async with conn.transaction():
            await _network(conn)
            await load_network_demo(conn)  # issue 5: staff, beds, equipment of the demo nodes
            await seed_budgets(conn)  # issue 4: a treatment budget per station this year
            existing = {r["username"] for r in await conn.fetch("SELECT username FROM users")}
            for user in DEMO_USERS:
                if user.username in existing:
                    continue
                await insert_user_if_absent(
                    conn,
                    username=user.username,
                    display_name=user.display_name,
                    password_hash=hash_password(settings.demo_password),
                    role=user.role,
                    node_id=user.node_id,
                )
    finally:
        await conn.close()
