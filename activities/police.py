"""Every call to the police: the population system (公安人口信息系统), the anti-trafficking DNA
database (打拐DNA信息库), the psychiatric registry and lost-contact reports."""

from __future__ import annotations

from typing import Any, Protocol

import httpx
from temporalio import activity

from activities.agency_http import call_agency
from domain.agencies import (
    LOOKUP_HOUSEHOLD,
    REGISTER_PSYCHIATRIC_PATIENT,
    REPORT_LOST_CONTACT,
    SEARCH_BY_FEATURES,
    SUBMIT_DNA_SAMPLE,
    DnaSampleInput,
    DnaSubmission,
    FeatureSearchInput,
    FeatureSearchResult,
    HouseholdLookupInput,
    HouseholdLookupResult,
    LostContactReport,
    LostContactReportInput,
    PsychiatricRegistration,
    PsychiatricRegistrationInput,
)


class PoliceAdapter(Protocol):
    """The police system as the activities need it."""

    async def lookup_household(self, request: HouseholdLookupInput) -> HouseholdLookupResult: ...

    async def search_by_features(self, request: FeatureSearchInput) -> FeatureSearchResult: ...

    async def submit_dna_sample(self, request: DnaSampleInput) -> DnaSubmission: ...

    async def register_psychiatric_patient(
        self, request: PsychiatricRegistrationInput
    ) -> PsychiatricRegistration: ...

    async def report_lost_contact(self, request: LostContactReportInput) -> LostContactReport: ...


class HttpPoliceAdapter:
    """The police system over HTTP (the simulator, or the real one by configuration)."""

    def __init__(self, client: httpx.AsyncClient, *, base_url: str, api_key: str):
        self._client = client
        self._base_url = base_url.rstrip("/")
        self._headers = {"X-Api-Key": api_key}

    async def _post(
        self, path: str, body: dict[str, Any], idempotency_key: str | None = None
    ) -> Any:
        headers = dict(self._headers)
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        return await call_agency(
            self._client, "police", "POST", f"{self._base_url}{path}", json=body, headers=headers
        )

    async def lookup_household(self, request: HouseholdLookupInput) -> HouseholdLookupResult:
        body = await self._post(
            "/population/lookup",
            {
                "request_id": request.request_id,
                "name": request.name,
                "id_number": request.id_number,
                "birth_date": request.birth_date.isoformat() if request.birth_date else None,
                "sex": request.sex.value,
            },
        )
        return HouseholdLookupResult.model_validate(body)

    async def search_by_features(self, request: FeatureSearchInput) -> FeatureSearchResult:
        body = await self._post("/population/feature-search", request.model_dump(mode="json"))
        return FeatureSearchResult.model_validate(body)

    async def submit_dna_sample(self, request: DnaSampleInput) -> DnaSubmission:
        body = await self._post(
            "/dna/samples", request.model_dump(mode="json"), idempotency_key=request.sample_id
        )
        return DnaSubmission.model_validate(body)

    async def register_psychiatric_patient(
        self, request: PsychiatricRegistrationInput
    ) -> PsychiatricRegistration:
        body = await self._post(
            "/psychiatric-registry",
            request.model_dump(mode="json"),
            idempotency_key=request.registration_id,
        )
        return PsychiatricRegistration.model_validate(body)

    async def report_lost_contact(self, request: LostContactReportInput) -> LostContactReport:
        body = await self._post(
            "/lost-contact-reports",
            request.model_dump(mode="json"),
            idempotency_key=request.report_id,
        )
        return LostContactReport.model_validate(body)


class PoliceActivities:
    """Activities that reach the police; handed their adapter by the worker."""

    def __init__(self, adapter: PoliceAdapter):
        self._adapter = adapter

    @activity.defn(name=LOOKUP_HOUSEHOLD)
    async def lookup_household(self, request: HouseholdLookupInput) -> HouseholdLookupResult:
        """Household-registration lookup (户籍查询) for identity search."""
        return await self._adapter.lookup_household(request)

    @activity.defn(name=SEARCH_BY_FEATURES)
    async def search_by_features(self, request: FeatureSearchInput) -> FeatureSearchResult:
        """Compare an unidentified person's features (指纹、人像、体貌特征) with the police's records."""
        return await self._adapter.search_by_features(request)

    @activity.defn(name=SUBMIT_DNA_SAMPLE)
    async def submit_dna_sample(self, request: DnaSampleInput) -> DnaSubmission:
        """Enter a minor's sample in the DNA database; the comparison comes back by callback."""
        return await self._adapter.submit_dna_sample(request)

    @activity.defn(name=REGISTER_PSYCHIATRIC_PATIENT)
    async def register_psychiatric_patient(
        self, request: PsychiatricRegistrationInput
    ) -> PsychiatricRegistration:
        """Register a patient who may cause harm, so the police can take charge (idempotent)."""
        return await self._adapter.register_psychiatric_patient(request)

    @activity.defn(name=REPORT_LOST_CONTACT)
    async def report_lost_contact(self, request: LostContactReportInput) -> LostContactReport:
        """Report a year-long loss of contact so the police search for the person (idempotent)."""
        return await self._adapter.report_lost_contact(request)
