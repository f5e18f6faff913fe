"""The four-level network over JSON: the registry of the caller's subtree, each node's
compliance with its standard and bed occupancy, and edits by the level above."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.deps import Ctx, CurrentUser, client_address
from api.network import service
from api.network.service import ComplianceSummary, NodeEdit, NodeView, StaffInput

router = APIRouter(prefix="/api/v1/network", tags=["network"])


@router.get("/nodes", response_model=list[NodeView])
async def list_nodes(ctx: Ctx, user: CurrentUser) -> list[NodeView]:
    """Every node of the caller's subtree with profile, staff, compliance and occupancy."""
    return await service.subtree(ctx, user)


@router.get("/compliance", response_model=ComplianceSummary)
async def compliance(ctx: Ctx, user: CurrentUser) -> ComplianceSummary:
    """Nodes of the subtree checked against their standard (四有/三有/二有) and those behind."""
    return service.summarise(await service.subtree(ctx, user))


@router.get("/nodes/{node_id}", response_model=NodeView)
async def get_node(ctx: Ctx, user: CurrentUser, node_id: str) -> NodeView:
    """One node (in the caller's subtree): 403 ``forbidden`` outside it, 404 ``node_not_found``."""
    return await service.one(ctx, user, node_id)


@router.put("/nodes/{node_id}", response_model=NodeView)
async def edit_node(ctx: Ctx, user: CurrentUser, node_id: str, body: NodeEdit,
                    request: Request) -> NodeView:
    """Record what a node has; only a manager of a level above may (403 ``forbidden``)."""
    return await service.edit(ctx, user, node_id, body, client_address(request))


@router.post("/nodes/{node_id}/staff", response_model=NodeView, status_code=201)
async def add_staff(ctx: Ctx, user: CurrentUser, node_id: str, body: StaffInput,
                    request: Request) -> NodeView:
    """Add a staff member, dedicated officer or liaison to a node (level above only)."""
    return await service.add_staff(ctx, user, node_id, body, client_address(request))


@router.delete("/nodes/{node_id}/staff/{staff_id}", response_model=NodeView)
async def remove_staff(ctx: Ctx, user: CurrentUser, node_id: str, staff_id: str,
                       request: Request) -> NodeView:
    """Take a person off a node's staff (kept on record as inactive)."""
    return await service.remove_staff(ctx, user, node_id, staff_id, client_address(request))
