"""Every call to the designated hospital (定点医院): emergency pickup, admission with the
introduction letter, payment of settlement vouchers. Its later answers (discharge, voucher)
arrive as callbacks on the API, not here."""

from __future__ import annotations

from typing import Any, Protocol
from urllib.parse import quote

import httpx
from temporalio import activity

from activities.agency_http import call_agency
from domain.agencies import (
    ADMIT_TO_HOSPITAL,
    PAY_HOSPITAL_SETTLEMENT,
    REQUEST_EMERGENCY_PICKUP,
    EmergencyPickup,
    EmergencyPickupInput,
    HospitalAdmission,
    HospitalAdmissionInput,
    HospitalPayment,
    HospitalPaymentInput,
)


class HospitalAdapter(Protocol):
    """The hospital system as the activities need it."""

    async def request_emergency_pickup(self, request: EmergencyPickupInput) -> EmergencyPickup: ...

    async def admit_to_hospital(self, request: HospitalAdmissionInput) -> HospitalAdmission: ...

    async def pay_settlement(self, request: HospitalPaymentInput) -> HospitalPayment: ...


class HttpHospitalAdapter:
    """The hospital over HTTP; each issuing call carries its idempotency key."""

    def __init__(self, client: httpx.AsyncClient, *, base_url: str, api_key: str):
        self._client = client
        self._base_url = base_url.rstrip("/")
        self._api_key = api_key

    async def _post(self, path: str, body: dict[str, Any], idempotency_key: str) -> Any:
        return await call_agency(
            self._client,
            "hospital",
            "POST",
            f"{self._base_url}{path}",
            json=body,
            headers={"X-Api-Key": self._api_key, "Idempotency-Key": idempotency_key},
        )

    async def request_emergency_pickup(self, request: EmergencyPickupInput) -> EmergencyPickup:
        body = await self._post(
            "/emergency-pickups", request.model_dump(mode="json"), request.request_id
        )
        return EmergencyPickup.model_validate(body)

    async def admit_to_hospital(self, request: HospitalAdmissionInput) -> HospitalAdmission:
        body = await self._post(
            "/admissions",
            request.model_dump(mode="json", exclude={"case_number", "admission_key"}),
            request.admission_key,
        )
        return HospitalAdmission.model_validate(body)

    async def pay_settlement(self, request: HospitalPaymentInput) -> HospitalPayment:
        voucher = quote(request.voucher_no, safe="")
        body = await self._post(
            f"/settlements/{voucher}/payment",
            {"settlement_id": request.settlement_id, "amount_fen": request.amount_fen},
            request.settlement_id,
        )
        return HospitalPayment.model_validate(body)


class HospitalActivities:
    """Activities that reach the hospital; handed their adapter by the worker."""

    def __init__(self, adapter: HospitalAdapter):
        self._adapter = adapter

    @activity.defn(name=REQUEST_EMERGENCY_PICKUP)
    async def request_emergency_pickup(self, request: EmergencyPickupInput) -> EmergencyPickup:
        """Call the hospital out to a critically ill person; a retry never sends two teams."""
        return await self._adapter.request_emergency_pickup(request)

    @activity.defn(name=ADMIT_TO_HOSPITAL)
    async def admit_to_hospital(self, request: HospitalAdmissionInput) -> HospitalAdmission:
        """Send the introduction letter (介绍信) so the hospital admits and treats first."""
        return await self._adapter.admit_to_hospital(request)

    @activity.defn(name=PAY_HOSPITAL_SETTLEMENT)
    async def pay_settlement(self, request: HospitalPaymentInput) -> HospitalPayment:
        """Pay a reviewed settlement voucher (结算); a retry never pays twice."""
        return await self._adapter.pay_settlement(request)
