"""The at-risk ledger (摸底排查台账) over JSON."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response

from api.deps import Ctx, CurrentUser, client_address
from api.ledger import service
from api.ledger.service import ConsolidateRequest, ConsolidateResult
from domain.ledger import (
    InterventionInput,
    LedgerCategory,
    LedgerEntry,
    LedgerPersonInput,
    LedgerStatus,
    RegisterResult,
)

router = APIRouter(prefix="/api/v1/ledger", tags=["ledger"])


@router.post("/entries", response_model=RegisterResult, status_code=201)
async def register_person(ctx: Ctx, user: CurrentUser, body: LedgerPersonInput, request: Request,
                          response: Response) -> RegisterResult:
    """Register a person at risk; someone already in the ledger (identity number, or name and
    birth date) is recognised: 200 with ``created`` false and the existing entry."""
    result = await service.register_person(ctx, user, body, client_address(request))
    if not result.created:
        response.status_code = 200
    return result


@router.get("/entries", response_model=list[LedgerEntry])
async def list_entries(ctx: Ctx, user: CurrentUser, request: Request,
                       status: LedgerStatus | None = Query(default=None),
                       category: LedgerCategory | None = Query(default=None),
                       node_id: str | None = Query(default=None, description="只看这一单位及其下级")
                       ) -> list[LedgerEntry]:
    """Entries of the caller's subtree (or of ``node_id`` within it)."""
    return await service.list_entries(ctx, user, status, category, client_address(request), node_id)


@router.get("/entries/{entry_id}", response_model=LedgerEntry)
async def get_entry(ctx: Ctx, user: CurrentUser, entry_id: str, request: Request) -> LedgerEntry:
    """One entry with its interventions."""
    return await service.get_entry(ctx, user, entry_id, client_address(request))


@router.post("/entries/{entry_id}/interventions", response_model=LedgerEntry, status_code=201)
async def add_intervention(ctx: Ctx, user: CurrentUser, entry_id: str, body: InterventionInput,
                           request: Request) -> LedgerEntry:
    """Record an intervention (mediation, police warning, court, referral, visit)."""
    return await service.add_intervention(ctx, user, entry_id, body, client_address(request))


@router.post("/entries/{entry_id}/close", response_model=LedgerEntry)
async def close_entry(ctx: Ctx, user: CurrentUser, entry_id: str, request: Request) -> LedgerEntry:
    """Take a person off the ledger (township officer)."""
    return await service.close_entry(ctx, user, entry_id, client_address(request))


@router.post("/consolidate", response_model=ConsolidateResult)
async def consolidate(ctx: Ctx, user: CurrentUser, body: ConsolidateRequest,
                      request: Request) -> ConsolidateResult:
    """The township officer consolidates its communities' registered entries."""
    return await service.consolidate(ctx, user, body, client_address(request))
