"""One person, one record: the cases that may be the same person as this one (the identity
number, then name + birth date + origin, then the family-search comparison), and the
caseworker's merge or "keep apart", reversible and audited."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from activities.duplicates import likely_same_person
from api.audit.trail import audit
from api.auth.access import within
from api.cases.access import load_case_for
from api.context import AppContext
from api.errors import ApiError
from db import person_links_repo
from db.users_repo import UserRecord


async def likely_duplicates(conn: asyncpg.Connection, user: UserRecord, case_id: uuid.UUID,
                            limit: int = 5) -> list[dict[str, Any]]:
    """Other cases (readable by the user) likely to be this person and not decided yet."""
    found = []
    for row, probability, result in await likely_same_person(conn, case_id):
        if not within(user, row["station_path"]):
            continue
        found.append({"case": row, "probability": probability,
                      "percent": "身份证号码相同" if result is None else f"{probability:.0%}",
                      "fields": [] if result is None else result.fields})
    return found[:limit]


async def decide(ctx: AppContext, user: UserRecord, case_id: str, other_id: str, *, same: bool,
                 client: str | None) -> None:
    """Link the two cases as one person, or keep them apart (both on record, audited)."""
    try:
        other = uuid.UUID(other_id)
    except ValueError:
        raise ApiError(404, "case_not_found", "找不到该个案") from None
    async with ctx.pool.acquire() as conn:
        _, record = await load_case_for(conn, user=user, case_id=case_id, action="person_link",
                                        client=client, write=True)
        other_report, _ = await load_case_for(conn, user=user, case_id=str(other), action="person_link",
                                              client=client)
        if record is None or record.case_id == other:
            raise ApiError(409, "person_link_refused", "不能与本个案自身合并")
        made = await person_links_repo.add_link(conn, case_id=record.case_id, other=other,
                                                decision="same" if same else "apart", by=user.username)
        if made is None:
            raise ApiError(409, "person_link_exists", "这两个个案已经有合并或分开的决定，请先撤销")
        await audit(conn, user, action="person_merge" if same else "person_keep_apart",
                    subject=f"case:{record.case_id}", allowed=True, client=client,
                    detail=f"other={other_report.case_number}")


async def undo(ctx: AppContext, user: UserRecord, case_id: str, link_id: str, client: str | None) -> None:
    """Split a merge (or withdraw a "keep apart"): the link ends, both cases stand alone again."""
    try:
        lid = uuid.UUID(link_id)
    except ValueError:
        raise ApiError(404, "link_not_found", "找不到该合并记录") from None
    async with ctx.pool.acquire() as conn:
        _, record = await load_case_for(conn, user=user, case_id=case_id, action="person_link",
                                        client=client, write=True)
        links = {link.link_id for link in await person_links_repo.links_of(
            conn, case_id=record.case_id if record else uuid.UUID(int=0))}
        if lid not in links:
            raise ApiError(404, "link_not_found", "找不到该合并记录")
        ended = await person_links_repo.end_link(conn, link_id=lid, by=user.username)
        await audit(conn, user, action="person_split" if ended["decision"] == "same" else "person_apart_withdrawn",
                    subject=f"case:{case_id}", allowed=True, client=client)
