"""Writing the audit trail from the API: every decision about personal data leaves one line
(who, role, node, what, which record, from where, allowed or denied) before the answer goes.

``decide`` is the one way a service says yes or no: it records the decision and raises the
403 when the answer is no, so a denial can never go unrecorded.
"""

from __future__ import annotations

import asyncpg

from api.errors import ApiError
from db.audit_repo import record_access
from db.users_repo import UserRecord


async def audit(conn: asyncpg.Connection | asyncpg.Pool, user: UserRecord, *, action: str,
                subject: str, allowed: bool, client: str | None,
                detail: str | None = None) -> None:
    """Record one access by a logged-in user (``detail`` never holds personal data)."""
    await record_access(conn, user_id=user.user_id, username=user.username, action=action,
                        subject=subject, allowed=allowed, client=client, detail=detail,
                        role=user.role.value, node_id=user.node_id)


async def decide(conn: asyncpg.Connection | asyncpg.Pool, user: UserRecord, allowed: bool, *,
                 action: str, subject: str, client: str | None, message: str,
                 code: str = "forbidden", detail: str | None = None) -> None:
    """Record the decision; when it is a no, answer 403 with ``code`` and the Chinese message."""
    await audit(conn, user, action=action, subject=subject, allowed=allowed, client=client,
                detail=detail)
    if not allowed:
        raise ApiError(403, code, message)


async def deny_unless(conn: asyncpg.Connection | asyncpg.Pool, user: UserRecord, allowed: bool, *,
                      action: str, subject: str, client: str | None, message: str,
                      code: str = "forbidden") -> None:
    """A preliminary check (role, scope) before the access itself is decided and recorded:
    only a no leaves its own line (and the 403)."""
    if not allowed:
        await decide(conn, user, False, action=action, subject=subject, client=client,
                     message=message, code=code)
