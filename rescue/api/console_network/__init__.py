"""The console pages of the network around the cases (registry, ledger, monthly reports,
hotline, the bureau's overview), in Simplified Chinese, mounted under /console/ before the
console's catch-all so they are found first."""

from __future__ import annotations

from fastapi import APIRouter

from rescue.api.console_network import (
    handbook_views,
    hotline_views,
    ledger_views,
    network_views,
    patrol_views,
    people_views,
    report_views,
)

router = APIRouter()
for part in (network_views, ledger_views, report_views, hotline_views, patrol_views,
             people_views, handbook_views):
    router.include_router(part.router)
