"""People's names where the records keep usernames: a page shows 刘社工, not ``caseworker``;
the records written by the system itself say so in words."""

from __future__ import annotations

from collections.abc import Iterable

from api.context import AppContext
from db.person_repo import display_names

SYSTEM_NAMES = {"seed": "系统初始数据", "system": "系统自动登记（返乡人员）"}
"""Writers that are not people: the demo seed, the follow-up workflow's ledger registration."""


async def people_names(ctx: AppContext, usernames: Iterable[str | None]) -> dict[str, str]:
    """Display name of each username, the system's own writers in words (an unknown username
    is left out: a template falls back to a neutral word, never the username)."""
    wanted = sorted({u for u in usernames if u})
    async with ctx.pool.acquire() as conn:
        names = await display_names(conn, usernames=wanted)
    return {**{u: SYSTEM_NAMES[u] for u in wanted if u in SYSTEM_NAMES}, **names}
