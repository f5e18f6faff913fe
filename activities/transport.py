"""Every call to the transport ticket office (火车站 / 汽车站 green channel)."""

from __future__ import annotations

from typing import Protocol

import httpx
from temporalio import activity

from activities.agency_http import call_agency
from domain.agencies import EXCHANGE_TICKET, TicketExchangeInput
from domain.case import TicketInfo


class TransportAdapter(Protocol):
    """The ticket office as the activities need it."""

    async def exchange_ticket(self, request: TicketExchangeInput) -> TicketInfo: ...


class HttpTransportAdapter:
    """The ticket office over HTTP; the voucher number is sent as the Idempotency-Key."""

    def __init__(self, client: httpx.AsyncClient, *, base_url: str, api_key: str):
        self._client = client
        self._base_url = base_url.rstrip("/")
        self._api_key = api_key

    async def exchange_ticket(self, request: TicketExchangeInput) -> TicketInfo:
        body = await call_agency(
            self._client,
            "transport",
            "POST",
            f"{self._base_url}/tickets/exchange",
            json={
                "voucher_number": request.voucher_number,
                "passenger_name": request.passenger_name,
                "destination": request.destination,
                "travel_date": request.travel_date.isoformat(),
            },
            headers={"X-Api-Key": self._api_key, "Idempotency-Key": request.voucher_number},
        )
        return TicketInfo(
            voucher_number=request.voucher_number,
            ticket_number=body["ticket_number"],
            destination=body["destination"],
            travel_date=body["travel_date"],
            train=body.get("train"),
        )


class TransportActivities:
    """Activities that reach the ticket office; handed their adapter by the worker."""

    def __init__(self, adapter: TransportAdapter):
        self._adapter = adapter

    @activity.defn(name=EXCHANGE_TICKET)
    async def exchange_ticket(self, request: TicketExchangeInput) -> TicketInfo:
        """Exchange the voucher (换票凭证) for a ticket; a retry returns the same ticket."""
        return await self._adapter.exchange_ticket(request)
