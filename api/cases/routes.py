"""Cases over JSON: open one from a discovery report, read its exact state, read its history."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response

from api.cases import history, service
from api.cases.history import HistoryEvent
from api.cases.service import (
    CaseFilter,
    CaseList,
    CaseView,
    CreateCaseRequest,
    CreateCaseResponse,
    TimelinePage,
)
from api.deps import Ctx, CurrentUser, client_address
from domain.enums import Classification, Stage

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])


@router.post("", response_model=CreateCaseResponse, status_code=201)
async def create_case(ctx: Ctx, user: CurrentUser, body: CreateCaseRequest, request: Request,
                      response: Response) -> CreateCaseResponse:
    """Open a case from a discovery report and start its workflow; the same report id
    returns the same case (200 instead of 201). With Temporal out of reach the report is
    recorded and its workflow started later by the outbox relay (202, ``workflow_started``
    false)."""
    result = await service.open_case(ctx, user, body, client_address(request))
    if not result.created:
        response.status_code = 200
    elif not result.workflow_started:
        response.status_code = 202
    return result


@router.get("/{case_id}", response_model=CaseView)
async def get_case(ctx: Ctx, user: CurrentUser, case_id: str, request: Request) -> CaseView:
    """The case's exact state from its workflow (or the read model if the workflow is out of
    reach), with sensitive fields masked for the caller's role."""
    return await service.read_case(ctx, user, case_id, client_address(request))


@router.get("/{case_id}/timeline", response_model=TimelinePage)
async def get_timeline(ctx: Ctx, user: CurrentUser, case_id: str, request: Request,
                       cursor: str | None = Query(default=None, description="上一页答复的 next_cursor"),
                       limit: int = Query(default=100, ge=1, le=500)) -> TimelinePage:
    """The case's whole timeline (its own steps, its treatments' and its follow-up's), newest
    first, keyset paged: a case of many years reads as fast as a new one."""
    return await service.read_timeline(ctx, user, case_id, cursor, limit, client_address(request))


@router.get("/{case_id}/history", response_model=list[HistoryEvent])
async def get_history(ctx: Ctx, user: CurrentUser, case_id: str, request: Request) -> list[HistoryEvent]:
    """The workflow's events in readable form, for operators: what ran, waited, failed."""
    return await history.read_history(ctx, user, case_id, client_address(request))


@router.get("", response_model=CaseList)
async def list_cases(ctx: Ctx, user: CurrentUser, request: Request,
                     stage: Stage | None = Query(default=None, description="只看这一阶段"),
                     in_station: bool = Query(default=False, description="只看在站人员（甄别后至返乡前）"),
                     classification: Classification | None = Query(default=None, description="救助类型"),
                     minor: bool | None = Query(default=None, description="是否未成年人"),
                     node_id: str | None = Query(default=None, description="只看该网络节点（及下级）"),
                     overdue: bool | None = Query(default=None, description="是否已超期"),
                     due_today: bool = Query(default=False, description="今天有任务到期"),
                     q: str | None = Query(default=None, max_length=50,
                                           description="姓名、身份证号码（有权限的岗位）或个案编号的开头"),
                     cursor: str | None = Query(default=None, description="上一页答复的 next_cursor"),
                     limit: int = Query(default=50, ge=1, le=200)) -> CaseList:
    """Cases of the caller's subtree (and those they reported), newest change first, keyset
    paged; agencies get only the cases they reported (their work is on their task list)."""
    filters = CaseFilter(stage=stage, in_station=in_station, classification=classification,
                         minor=minor, node_id=node_id, overdue=overdue, due_today=due_today, q=q)
    return await service.list_cases(ctx, user, None, cursor, limit, client_address(request),
                                    filters=filters)
