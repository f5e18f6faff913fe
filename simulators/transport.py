"""Railway ticket-office simulator (铁路售票处): exchanges a station voucher for a ticket home.

Issuing is idempotent per ``Idempotency-Key``: a retried call (after a timeout or a lost
response) gets the same ticket back, never a second one. A voucher is exchanged only once.
"""

from __future__ import annotations

import asyncio
import zlib
from datetime import UTC, date, datetime

from fastapi import APIRouter, Depends, FastAPI, Header, Response
from pydantic import BaseModel, Field

from simulators.common import (
    SimulatorConfig,
    build_app,
    require_api_key,
    require_idempotency_key,
)
from simulators.errors import SimulatorError

DEPARTURE_STATION = "示范站"


class ExchangeRequest(BaseModel):
    """A ticket-exchange voucher (返乡乘车凭证) presented for one journey."""

    voucher_number: str = Field(min_length=1, max_length=100)
    passenger_name: str | None = Field(default=None, max_length=50)
    destination: str = Field(min_length=1, max_length=100)
    travel_date: date


class Ticket(BaseModel):
    """The ticket issued for a voucher."""

    ticket_number: str
    train: str
    departure_station: str
    destination: str
    travel_date: date
    seat: str


class IssuedTicket(Ticket):
    """A ticket as the office keeps it: with the voucher and passenger it was issued for."""

    voucher_number: str
    passenger_name: str | None
    issued_at: datetime


class _Office:
    """In-memory state of one ticket office."""

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.reset()

    def reset(self) -> None:
        self.tickets: list[IssuedTicket] = []
        self.by_key: dict[str, tuple[ExchangeRequest, IssuedTicket]] = {}
        self.by_voucher: dict[str, IssuedTicket] = {}

    def issue(self, request: ExchangeRequest) -> IssuedTicket:
        n = len(self.tickets) + 1
        ticket = IssuedTicket(
            ticket_number=f"E{100_000_000 + n:09d}",
            train=train_for(request.destination),
            departure_station=DEPARTURE_STATION,
            destination=request.destination,
            travel_date=request.travel_date,
            seat=f"{(n - 1) // 100 % 16 + 1:02d}车{(n - 1) % 100 + 1:03d}号",
            voucher_number=request.voucher_number,
            passenger_name=request.passenger_name,
            issued_at=datetime.now(UTC),
        )
        self.tickets.append(ticket)
        self.by_voucher[request.voucher_number] = ticket
        return ticket


def train_for(destination: str) -> str:
    """The same destination always gets the same train (stable across processes)."""
    return f"K{100 + zlib.crc32(destination.encode('utf-8')) % 900}"


def _public(ticket: IssuedTicket) -> Ticket:
    return Ticket.model_validate(ticket.model_dump(include=set(Ticket.model_fields)))


def create_app(config: SimulatorConfig) -> FastAPI:
    """A ticket office with no tickets issued yet."""
    office = _Office()
    app = build_app("transport", "铁路售票处（模拟）", config, office.reset)
    router = APIRouter(dependencies=[Depends(require_api_key)], tags=["tickets"])

    @router.post("/tickets/exchange", status_code=201)
    async def exchange(
        request: ExchangeRequest,
        response: Response,
        idempotency_key: str | None = Header(default=None, alias="Idempotency-Key"),
    ) -> Ticket:
        """Exchange a voucher for a ticket; 200 with the same ticket when the key is replayed."""
        key = require_idempotency_key(idempotency_key)
        async with office.lock:
            if key in office.by_key:
                original, ticket = office.by_key[key]
                if original != request:
                    raise SimulatorError(
                        409, "idempotency_conflict", "同一 Idempotency-Key 的请求内容不一致"
                    )
                response.status_code = 200
                return _public(ticket)
            if request.travel_date < date.today():
                raise SimulatorError(
                    422,
                    "invalid_travel_date",
                    "乘车日期早于今天，无法出票 (travel date in the past)",
                )
            if request.voucher_number in office.by_voucher:
                raise SimulatorError(
                    409, "voucher_already_used", "该换票凭证已兑换车票 (voucher already exchanged)"
                )
            ticket = office.issue(request)
            office.by_key[key] = (request, ticket)
            return _public(ticket)

    @router.get("/tickets")
    async def list_tickets() -> list[IssuedTicket]:
        """Every ticket issued so far, oldest first (tests count them)."""
        return list(office.tickets)

    app.include_router(router)
    return app
