"""Users of the system: one role at one node of the network."""

from __future__ import annotations

import uuid

import asyncpg
from pydantic import BaseModel

from db.queries import sql
from domain.enums import Role


class UserRecord(BaseModel):
    """A user as stored, with the path of their node for subtree checks."""

    user_id: uuid.UUID
    username: str
    display_name: str
    password_hash: str
    role: Role
    node_id: str
    node_path: str
    node_name: str
    active: bool


async def insert_user_if_absent(
    conn: asyncpg.Connection,
    *,
    username: str,
    display_name: str,
    password_hash: str,
    role: Role,
    node_id: str,
) -> None:
    """Create the user unless the username exists (the existing password is kept)."""
    await conn.execute(
        sql("insert_user_if_absent"),
        uuid.uuid4(),
        username,
        display_name,
        password_hash,
        role.value,
        node_id,
    )


async def get_user_by_username(conn: asyncpg.Connection, *, username: str) -> UserRecord | None:
    row = await conn.fetchrow(sql("get_user_by_username"), username)
    return UserRecord(**dict(row)) if row else None


async def get_user_by_id(conn: asyncpg.Connection, *, user_id: uuid.UUID) -> UserRecord | None:
    row = await conn.fetchrow(sql("get_user_by_id"), user_id)
    return UserRecord(**dict(row)) if row else None
