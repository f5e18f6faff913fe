"""The month-end figures of a locality and of the city, from a seeded month of cases, against
counts made here independently from the rows written."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import asyncpg
import httpx

from support import Stack, login

from .seed_month import CN, Seeded, seed_month

YEAR, MONTH = 2024, 3


def _in_month(at: datetime) -> bool:
    local = at.astimezone(CN)
    return (local.year, local.month) == (YEAR, MONTH)


def expected(seeded: Seeded, stations: set[str], communities: set[str]) -> dict[str, object]:
    cases = {c["case_id"]: c for c in seeded.cases}
    mine = [c for c in seeded.cases if c["station"] in stations]
    found = [c for c in mine if _in_month(c["opened_at"])]

    def cases_with(kind: str, by_origin: bool = False) -> int:
        ids = {e["case_id"] for e in seeded.events if e["kind"] == kind and _in_month(e["at"])}
        if by_origin:
            return sum(1 for i in ids if cases[i]["origin"] in communities)
        return sum(1 for i in ids if cases[i]["station"] in stations)

    registered = {e["case_id"] for e in seeded.events if e["kind"] == "registered" and _in_month(e["at"])}
    admitted = Counter(cases[i]["classification"] for i in registered
                       if cases[i]["station"] in stations and cases[i]["classification"])
    tasks = [t for t in seeded.tasks if t["assignee"] in communities and t["status"] != "cancelled"]
    now = datetime.now(CN)
    due = [t for t in tasks if _in_month(t["deadline"])]
    return {
        "people_found": len(found),
        "minors": sum(1 for c in found if c["is_minor"]),
        "admitted": dict(admitted),
        "treated": cases_with("hospital_admitted"),
        "returned_home": cases_with("handed_over"),
        "lost_contact_reports": cases_with("lost_contact_reported", by_origin=True),
        "settled_fen": sum(s["fen"] for s in seeded.settlements
                           if s["station"] in stations and s["status"] == "paid" and _in_month(s["paid_at"])),
        "follow_ups_due": len(due),
        "follow_ups_done": sum(1 for t in tasks if t["status"] == "done" and _in_month(t["completed_at"])),
        "follow_ups_overdue": sum(1 for t in due if t["deadline"] < now and (
            t["status"] == "open" or t["completed_at"] > t["deadline"])),
    }


async def snapshot(database_url: str, prefix: str) -> tuple[int, Counter[str]]:
    """Long-term stays and ledger sizes now, counted from whole tables (not the report's SQL)."""
    conn = await asyncpg.connect(database_url)
    try:
        paths = {r["node_id"]: r["path"] for r in await conn.fetch("SELECT node_id, path FROM org_nodes")}
        stays = sum(1 for r in await conn.fetch("SELECT station_node_id, stage FROM cases")
                    if r["stage"] == "long_term_stay" and paths[r["station_node_id"]].startswith(prefix))
        ledger: Counter[str] = Counter()
        for r in await conn.fetch("SELECT community_node_id, categories, status FROM ledger_entries"):
            if r["status"] != "closed" and paths[r["community_node_id"]].startswith(prefix):
                ledger.update(r["categories"])
        return stays, ledger
    finally:
        await conn.close()


async def test_month_end_figures_match_independent_counts(stack: Stack, api: httpx.AsyncClient) -> None:
    seeded = await seed_month(stack.database_url, YEAR, MONTH)
    bureau = await login(api, "bureau")
    month = f"{YEAR}-{MONTH:02d}"
    scopes = {
        "dh-station": ({"dh-station"}, {c for c in (f"dh-t{t}-c{i}" for t in (1, 2) for i in (1, 2))},
                       "/city-bureau/city-station/dh-station/"),
        "city-bureau": ({"city-station", "dh-station", "xs-station"},
                        {f"{c}-t{t}-c{i}" for c in ("dh", "xs") for t in (1, 2) for i in (1, 2)},
                        "/city-bureau/"),
    }
    for node_id, (stations, communities, prefix) in scopes.items():
        resp = await api.get("/api/v1/reports/figures", params={"month": month, "node_id": node_id},
                             headers=bureau)
        assert resp.status_code == 200, resp.text
        got = resp.json()
        want = expected(seeded, stations, communities)
        assert want["people_found"] > 5  # the seed really put a month of cases there
        for key, value in want.items():
            assert got[key] == value, (node_id, key, got[key], value)
        stays, ledger = await snapshot(stack.database_url, prefix)
        assert got["long_term_stays"] == stays
        assert got["ledger"] == dict(ledger)


async def test_figures_are_limited_to_the_callers_subtree(stack: Stack, api: httpx.AsyncClient) -> None:
    dh = await login(api, "dh_caseworker")
    mine = await api.get("/api/v1/reports/figures", params={"month": "2024-03"}, headers=dh)
    assert mine.status_code == 200
    other = await api.get("/api/v1/reports/figures", params={"month": "2024-03", "node_id": "xs-station"},
                          headers=dh)
    assert other.status_code == 403 and other.json()["code"] == "forbidden"
    bad = await api.get("/api/v1/reports/figures", params={"month": "2024-13"}, headers=dh)
    assert bad.json()["code"] == "invalid_month"
