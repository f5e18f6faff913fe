"""The at-risk ledger for the API and the console: liaisons register, township officers
consolidate, both record interventions; everyone reads their subtree (identity numbers masked
for roles that do not work with the person). Every read and write is audited."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, Field

from api.auth.network_access import (
    LEDGER_ID_IN_CLEAR,
    require_ledger_read,
    require_ledger_write,
)
from api.context import AppContext
from api.errors import ApiError
from db import ledger_repo
from db.audit_repo import record_access
from db.ledger_intake import register
from db.network_repo import NodeNotFound, get_node
from db.users_repo import UserRecord
from domain.enums import NodeLevel, Role
from domain.identity import mask_id_number
from domain.ledger import (
    InterventionInput,
    LedgerCategory,
    LedgerEntry,
    LedgerPersonInput,
    LedgerStatus,
    RegisterResult,
)


class ConsolidateRequest(BaseModel):
    entry_ids: list[str] | None = Field(
        default=None, description="要汇总的台账编号（不填为本乡镇全部待汇总的）")


class ConsolidateResult(BaseModel):
    consolidated: list[str]


def _masked(user: UserRecord, entry: LedgerEntry) -> LedgerEntry:
    if user.role in LEDGER_ID_IN_CLEAR:
        return entry
    return entry.model_copy(update={"id_number": mask_id_number(entry.id_number)})


async def _audit(conn: object, user: UserRecord, action: str, subject: str, allowed: bool,
                 client: str | None, detail: str | None = None) -> None:
    await record_access(conn, user_id=user.user_id, username=user.username, action=action,  # type: ignore[arg-type]
                        subject=subject, allowed=allowed, client=client, detail=detail)


async def register_person(ctx: AppContext, user: UserRecord, body: LedgerPersonInput,
                          client: str | None) -> RegisterResult:
    """Register a person in a community's ledger, or recognise them if already known."""
    community_id = body.community_node_id or user.node_id
    async with ctx.pool.acquire() as conn:
        try:
            community = await get_node(conn, node_id=community_id)
        except NodeNotFound:
            raise ApiError(422, "community_not_found", f"找不到社区(村)网点：{community_id}") from None
        if community.level != NodeLevel.COMMUNITY:
            raise ApiError(422, "community_required", "台账按社区(村)登记，请选择社区(村)网点")
        try:
            require_ledger_write(user, community.path)
        except ApiError:
            await _audit(conn, user, "ledger_register", f"node:{community_id}", False, client)
            raise
        result = await register(conn, inp=body, community_node_id=community_id,
                                by=user.username, source="liaison")
        await _audit(conn, user, "ledger_register", f"ledger:{result.entry.entry_id}", True, client,
                     "new" if result.created else f"recognised:{result.recognised_by}")
    result.entry = _masked(user, result.entry)
    return result


async def list_entries(ctx: AppContext, user: UserRecord, status: LedgerStatus | None,
                       category: LedgerCategory | None, client: str | None,
                       node_id: str | None = None) -> list[LedgerEntry]:
    async with ctx.pool.acquire() as conn:
        path = user.node_path
        if node_id:
            try:
                path = (await get_node(conn, node_id=node_id)).path
            except NodeNotFound:
                raise ApiError(404, "node_not_found", f"找不到单位：{node_id}") from None
        require_ledger_read(user, path)
        entries = await ledger_repo.list_entries(conn, path=path, status=status, category=category)
        await _audit(conn, user, "ledger_list", f"node:{node_id or user.node_id}", True, client,
                     f"rows={len(entries)}")
    return [_masked(user, e) for e in entries]


async def get_entry(ctx: AppContext, user: UserRecord, entry_id: str,
                    client: str | None) -> LedgerEntry:
    async with ctx.pool.acquire() as conn:
        entry, path = await _load(conn, entry_id)
        try:
            require_ledger_read(user, path)
        except ApiError:
            await _audit(conn, user, "ledger_read", f"ledger:{entry_id}", False, client)
            raise
        await _audit(conn, user, "ledger_read", f"ledger:{entry_id}", True, client)
    return _masked(user, entry)


async def add_intervention(ctx: AppContext, user: UserRecord, entry_id: str,
                           body: InterventionInput, client: str | None) -> LedgerEntry:
    async with ctx.pool.acquire() as conn:
        entry, path = await _load(conn, entry_id)
        require_ledger_write(user, path)
        await ledger_repo.add_intervention(conn, entry_id=uuid.UUID(entry.entry_id), data=body,
                                           by=user.username)
        await _audit(conn, user, "ledger_intervention", f"ledger:{entry_id}", True, client,
                     body.kind.value)
    return await get_entry(ctx, user, entry_id, client)


async def consolidate(ctx: AppContext, user: UserRecord, body: ConsolidateRequest,
                      client: str | None) -> ConsolidateResult:
    """The township officer consolidates its communities' entries (汇总录入)."""
    if user.role != Role.TOWNSHIP_OFFICER:
        raise ApiError(403, "forbidden", "台账由乡镇(街道)救助专职人员汇总")
    ids = None
    if body.entry_ids is not None:
        try:
            ids = [uuid.UUID(i) for i in body.entry_ids]
        except ValueError:
            raise ApiError(422, "invalid_entry_id", "台账编号格式不正确") from None
    async with ctx.pool.acquire() as conn:
        done = await ledger_repo.consolidate(conn, path=user.node_path, by=user.username,
                                             entry_ids=ids)
        await _audit(conn, user, "ledger_consolidate", f"node:{user.node_id}", True, client,
                     f"rows={len(done)}")
    return ConsolidateResult(consolidated=done)


async def close_entry(ctx: AppContext, user: UserRecord, entry_id: str,
                      client: str | None) -> LedgerEntry:
    """Take a person off the watch list (销号): township officers only."""
    async with ctx.pool.acquire() as conn:
        entry, path = await _load(conn, entry_id)
        if user.role != Role.TOWNSHIP_OFFICER:
            raise ApiError(403, "forbidden", "销号由乡镇(街道)救助专职人员办理")
        require_ledger_write(user, path)
        await ledger_repo.close_entry(conn, entry_id=uuid.UUID(entry.entry_id))
        await _audit(conn, user, "ledger_close", f"ledger:{entry_id}", True, client)
    return await get_entry(ctx, user, entry_id, client)


async def _load(conn: object, entry_id: str) -> tuple[LedgerEntry, str]:
    try:
        eid = uuid.UUID(entry_id)
    except ValueError:
        raise ApiError(404, "ledger_entry_not_found", "找不到该台账记录") from None
    found = await ledger_repo.get_entry(conn, entry_id=eid)  # type: ignore[arg-type]
    if found is None:
        raise ApiError(404, "ledger_entry_not_found", "找不到该台账记录")
    return found
