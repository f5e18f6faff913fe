"""The 12349 hotline over JSON: record a call, follow it, confirm arrival, record the finding
(which opens a case for a person found), call the caller back."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from api.deps import Ctx, CurrentUser, client_address
from api.hotline import service
from db.hotline_repo import CallRecord
from domain.hotline import FindingRequest, HotlineCallRequest

router = APIRouter(prefix="/api/v1/hotline", tags=["12349 hotline"])


class NoteRequest(BaseModel):
    note: str | None = Field(default=None, max_length=500, description="说明")


class CallbackRequest(BaseModel):
    note: str = Field(min_length=1, max_length=500, description="回访情况")


@router.post("/calls", response_model=CallRecord, status_code=201)
async def record_call(ctx: Ctx, user: CurrentUser, body: HotlineCallRequest, request: Request,
                      response: Response) -> CallRecord:
    """The operator records a call; it is dispatched to the station on duty for the place.
    The same ``call_id`` again answers 200 and the same call."""
    call, created = await service.record_call(ctx, user, body, client_address(request))
    if not created:
        response.status_code = 200
    return call


@router.get("/calls", response_model=list[CallRecord])
async def list_calls(ctx: Ctx, user: CurrentUser) -> list[CallRecord]:
    """Calls of the caller's subtree (place or duty station), newest first."""
    return await service.list_calls(ctx, user)


@router.get("/calls/{call_id}", response_model=CallRecord)
async def get_call(ctx: Ctx, user: CurrentUser, call_id: str) -> CallRecord:
    return await service.get_call(ctx, user, call_id)


@router.post("/calls/{call_id}/arrival", response_model=CallRecord)
async def confirm_arrival(ctx: Ctx, user: CurrentUser, call_id: str, body: NoteRequest) -> CallRecord:
    """The station or patrol on duty is on the spot (409 ``call_step_refused`` out of order)."""
    return await service.confirm_arrival(ctx, user, call_id, body.note)


@router.post("/calls/{call_id}/finding", response_model=CallRecord)
async def record_finding(ctx: Ctx, user: CurrentUser, call_id: str, body: FindingRequest,
                         request: Request) -> CallRecord:
    """What was found; a person found gets a case linked to the call."""
    return await service.record_finding(ctx, user, call_id, body, client_address(request))


@router.post("/calls/{call_id}/callback", response_model=CallRecord)
async def record_callback(ctx: Ctx, user: CurrentUser, call_id: str, body: CallbackRequest) -> CallRecord:
    """The operator told the caller the outcome."""
    return await service.record_callback(ctx, user, call_id, body.note)
