"""Contracts of the activities: their names and their input/result models.

Workflows call activities by these names; ``rescue.activities`` implements them. Keeping the
contracts here lets workflow code depend on nothing but the domain.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from rescue.domain.enums import Sex

SYNC_CASE = "sync_case"
"""Project a case's state, new events and task changes into PostgreSQL (idempotent)."""
LOOKUP_HOUSEHOLD = "lookup_household"
"""Ask the police population system for a person's household registration."""
EXCHANGE_TICKET = "exchange_ticket"
"""Exchange a ticket voucher for a ticket at the transport system (idempotent by voucher)."""

AGENCY_REFUSED = "AgencyRefused"
"""ApplicationError type of a refusal by an agency (a 4xx answer): retrying will not help."""
AGENCY_UNAVAILABLE = "AgencyUnavailable"
"""ApplicationError type of a fault (network, timeout, 5xx): Temporal retries it."""


class HouseholdLookupInput(BaseModel):
    """What the station knows about the person; the request id makes the lookup traceable."""

    case_id: str
    request_id: str
    name: str | None = None
    id_number: str | None = None
    birth_date: date | None = None
    sex: Sex = Sex.UNKNOWN


class HouseholdRecord(BaseModel):
    """A household registration (户籍) as the police system returns it."""

    id_number: str
    name: str
    sex: Sex
    birth_date: date
    household_address: str
    community_node_id: str | None = None
    """The origin's community point in this city's network, when it has one."""


class HouseholdLookupResult(BaseModel):
    found: bool
    record: HouseholdRecord | None = None


class TicketExchangeInput(BaseModel):
    """A voucher to exchange; the voucher number is the idempotency key."""

    case_id: str
    voucher_number: str
    passenger_name: str | None = None
    destination: str
    travel_date: date
