"""Every call to the police population system (公安人口信息系统)."""

from __future__ import annotations

from typing import Protocol

import httpx
from temporalio import activity

from rescue.activities.agency_http import call_agency
from rescue.domain.agencies import LOOKUP_HOUSEHOLD, HouseholdLookupInput, HouseholdLookupResult


class PoliceAdapter(Protocol):
    """The police system as the activities need it."""

    async def lookup_household(self, request: HouseholdLookupInput) -> HouseholdLookupResult: ...


class HttpPoliceAdapter:
    """The police system over HTTP (the simulator, or the real one by configuration)."""

    def __init__(self, client: httpx.AsyncClient, *, base_url: str, api_key: str):
        self._client = client
        self._base_url = base_url.rstrip("/")
        self._headers = {"X-Api-Key": api_key}

    async def lookup_household(self, request: HouseholdLookupInput) -> HouseholdLookupResult:
        body = await call_agency(
            self._client,
            "police",
            "POST",
            f"{self._base_url}/population/lookup",
            json={
                "request_id": request.request_id,
                "name": request.name,
                "id_number": request.id_number,
                "birth_date": request.birth_date.isoformat() if request.birth_date else None,
                "sex": request.sex.value,
            },
            headers=self._headers,
        )
        return HouseholdLookupResult.model_validate(body)


class PoliceActivities:
    """Activities that reach the police; handed their adapter by the worker."""

    def __init__(self, adapter: PoliceAdapter):
        self._adapter = adapter

    @activity.defn(name=LOOKUP_HOUSEHOLD)
    async def lookup_household(self, request: HouseholdLookupInput) -> HouseholdLookupResult:
        """Household-registration lookup (户籍查询) for identity search."""
        return await self._adapter.lookup_household(request)
