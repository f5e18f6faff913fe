"""Joint street patrols over JSON: start one by hand, follow them, record encounters (a person
needing help gets a case), finish with the summary."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from api.deps import Ctx, CurrentUser, client_address
from api.patrols import service
from db.patrols_repo import PatrolRecord
from domain.patrol import EncounterRequest, PatrolRequest

router = APIRouter(prefix="/api/v1/patrols", tags=["joint patrols"])


class StartedPatrol(BaseModel):
    patrol_id: str
    workflow_id: str
    created: bool


class FinishRequest(BaseModel):
    summary: str = Field(min_length=1, max_length=2000, description="巡查小结")


@router.post("", response_model=StartedPatrol, status_code=201)
async def start(ctx: Ctx, user: CurrentUser, body: PatrolRequest, response: Response) -> StartedPatrol:
    """Start a patrol by hand (extreme weather, a major event); key days are scheduled."""
    patrol_id, created = await service.start(ctx, user, body)
    if not created:
        response.status_code = 200
    return StartedPatrol(patrol_id=patrol_id, workflow_id=f"patrol:{patrol_id}", created=created)


@router.get("", response_model=list[PatrolRecord])
async def list_patrols(ctx: Ctx, user: CurrentUser) -> list[PatrolRecord]:
    return await service.list_patrols(ctx, user)


@router.get("/{patrol_id}", response_model=PatrolRecord)
async def get_patrol(ctx: Ctx, user: CurrentUser, patrol_id: str) -> PatrolRecord:
    return await service.get(ctx, user, patrol_id)


@router.post("/{patrol_id}/encounters", response_model=PatrolRecord)
async def record_encounter(ctx: Ctx, user: CurrentUser, patrol_id: str, body: EncounterRequest,
                           request: Request) -> PatrolRecord:
    """A person met: ``case_opened`` opens a case (channel patrol) linked to the encounter."""
    return await service.record_encounter(ctx, user, patrol_id, body, client_address(request))


@router.post("/{patrol_id}/finish", response_model=PatrolRecord)
async def finish(ctx: Ctx, user: CurrentUser, patrol_id: str, body: FinishRequest) -> PatrolRecord:
    """End the patrol with its summary (409 ``patrol_finished`` when it already ended)."""
    return await service.finish(ctx, user, patrol_id, body.summary)
