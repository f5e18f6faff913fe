"""The HTTP adapters and activities against the simulators served over HTTP by the stack:
answers become results, refusals non-retryable AgencyRefused errors, faults retryable ones."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date

import httpx
import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.hospital import HospitalActivities, HttpHospitalAdapter
from activities.police import HttpPoliceAdapter, PoliceActivities
from domain.agencies import (
    AGENCY_REFUSED,
    AGENCY_UNAVAILABLE,
    DnaSampleInput,
    EmergencyPickupInput,
    HospitalAdmissionInput,
    HospitalPaymentInput,
    LostContactReportInput,
    PsychiatricRegistrationInput,
)
from stack.temporal_server import free_port
from support import Stack

NO_FAULTS = {"latency_ms": 0, "failure_rate": 0.0, "failure_mode": "before", "down": False}


def _uid() -> str:
    return uuid.uuid4().hex[:10]


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=5) as client:
        yield client


@pytest.fixture
def police(stack: Stack, http: httpx.AsyncClient) -> HttpPoliceAdapter:
    return HttpPoliceAdapter(
        http, base_url=stack.settings.police_url, api_key=stack.settings.agency_api_key
    )


@pytest.fixture
def hospital(stack: Stack, http: httpx.AsyncClient) -> HttpHospitalAdapter:
    return HttpHospitalAdapter(
        http, base_url=stack.settings.hospital_url, api_key=stack.settings.agency_api_key
    )


def _refusal(exc: pytest.ExceptionInfo[ApplicationError], code: str) -> None:
    err = exc.value
    assert (err.type, err.non_retryable) == (AGENCY_REFUSED, True)
    assert err.details[0]["code"] == code


def _fault(exc: pytest.ExceptionInfo[ApplicationError]) -> None:
    assert (exc.value.type, exc.value.non_retryable) == (AGENCY_UNAVAILABLE, False)


def _sample(case: str, sample_id: str, by: str = "police") -> DnaSampleInput:
    return DnaSampleInput(
        case_number=case, sample_id=sample_id, collected_on=date(2026, 3, 1), collected_by=by
    )


async def test_dna_sample_submission(police: HttpPoliceAdapter) -> None:
    sample = _sample(f"JZ-TEST-{_uid()}", f"S-{_uid()}")
    first = await ActivityEnvironment().run(PoliceActivities(police).submit_dna_sample, sample)
    assert first.sample_id == sample.sample_id and first.database_ref
    assert await police.submit_dna_sample(sample) == first  # the retry gets the same answer
    with pytest.raises(ApplicationError) as exc:
        await police.submit_dna_sample(sample.model_copy(update={"collected_by": "someone"}))
    _refusal(exc, "idempotency_conflict")


async def test_psychiatric_registration_and_lost_contact(police: HttpPoliceAdapter) -> None:
    activities = PoliceActivities(police)
    env = ActivityEnvironment()
    registration = PsychiatricRegistrationInput(
        case_number=f"JZ-TEST-{_uid()}", registration_id=f"R-{_uid()}", risk_summary="持刀威胁路人"
    )
    registered = await env.run(activities.register_psychiatric_patient, registration)
    assert registered.registration_id == registration.registration_id
    assert await police.register_psychiatric_patient(registration) == registered
    report = LostContactReportInput(
        case_number=f"JZ-TEST-{_uid()}",
        report_id=f"L-{_uid()}",
        name="张建国",
        community_node_id="dh-t1-c1",
        last_contact_on=date(2025, 1, 10),
    )
    reported = await env.run(activities.report_lost_contact, report)
    assert reported.report_id == report.report_id and reported.police_ref
    with pytest.raises(ApplicationError) as exc:
        await police.report_lost_contact(report.model_copy(update={"community_node_id": "x"}))
    _refusal(exc, "idempotency_conflict")


async def test_hospital_pickup_admission_and_payment(
    stack: Stack, hospital: HttpHospitalAdapter, http: httpx.AsyncClient
) -> None:
    activities = HospitalActivities(hospital)
    env = ActivityEnvironment()
    case = f"JZ-TEST-{_uid()}"
    pickup = EmergencyPickupInput(
        case_number=case, request_id=f"P-{_uid()}", place="火车站广场", condition="昏迷"
    )
    dispatched = await env.run(activities.request_emergency_pickup, pickup)
    assert dispatched.request_id == pickup.request_id and dispatched.eta_minutes > 0
    assert await hospital.request_emergency_pickup(pickup) == dispatched

    letter = HospitalAdmissionInput(
        case_number=case,
        case_ref=f"{case}/T1",
        admission_key=f"A-{_uid()}",
        introduction_letter_no="JS-1",
        reason="高热",
    )
    admission = await env.run(activities.admit_to_hospital, letter)
    assert admission.admission_no.startswith("ZY") and admission.ward
    assert await hospital.admit_to_hospital(letter) == admission

    voucher_no = f"V/{_uid()}"  # a slash must survive the URL path
    r = await http.post(
        f"{stack.sim_url('hospital')}/admin/admissions/{admission.admission_no}/settlement",
        headers=stack.sim_admin(),
        json={"voucher_no": voucher_no, "items": [{"description": "床位费", "amount_fen": 9900}]},
    )
    assert r.status_code == 202, r.text
    pay = HospitalPaymentInput(
        case_ref=letter.case_ref,
        voucher_no=voucher_no,
        settlement_id=f"ST-{_uid()}",
        amount_fen=9900,
    )
    with pytest.raises(ApplicationError) as exc:
        await hospital.pay_settlement(
            pay.model_copy(update={"settlement_id": "ST-x", "amount_fen": 9901})
        )
    _refusal(exc, "amount_mismatch")
    paid = await env.run(activities.pay_settlement, pay)
    assert paid.voucher_no == voucher_no and paid.payment_ref
    assert await hospital.pay_settlement(pay) == paid
    with pytest.raises(ApplicationError) as exc:
        await hospital.pay_settlement(pay.model_copy(update={"voucher_no": "nope"}))
    _refusal(exc, "idempotency_conflict")


async def test_outage_is_a_retryable_fault(
    stack: Stack,
    police: HttpPoliceAdapter,
    hospital: HttpHospitalAdapter,
    http: httpx.AsyncClient,
) -> None:
    for agency in ("police", "hospital"):
        r = await http.put(
            f"{stack.sim_url(agency)}/admin/faults",
            json={**NO_FAULTS, "down": True},
            headers=stack.sim_admin(),
        )
        assert r.status_code == 200
    try:
        with pytest.raises(ApplicationError) as exc:
            await police.submit_dna_sample(_sample("JZ-TEST-x", f"S-{_uid()}"))
        _fault(exc)
        with pytest.raises(ApplicationError) as exc:
            await hospital.request_emergency_pickup(
                EmergencyPickupInput(
                    case_number="JZ-TEST-x",
                    request_id=f"P-{_uid()}",
                    place="桥下",
                    condition="昏迷",
                )
            )
        _fault(exc)
    finally:
        for agency in ("police", "hospital"):
            await http.put(
                f"{stack.sim_url(agency)}/admin/faults", json=NO_FAULTS, headers=stack.sim_admin()
            )


async def test_unreachable_agency_and_wrong_key_are_retryable(
    stack: Stack, http: httpx.AsyncClient
) -> None:
    gone = HttpHospitalAdapter(http, base_url=f"http://127.0.0.1:{free_port()}", api_key="k")
    with pytest.raises(ApplicationError) as exc:
        await gone.admit_to_hospital(
            HospitalAdmissionInput(
                case_number="JZ-TEST-x",
                case_ref="JZ-TEST-x/T1",
                admission_key=f"A-{_uid()}",
                introduction_letter_no="JS-1",
                reason="高热",
            )
        )
    _fault(exc)
    wrong_key = HttpPoliceAdapter(http, base_url=stack.settings.police_url, api_key="wrong")
    with pytest.raises(ApplicationError) as exc:
        await wrong_key.register_psychiatric_patient(
            PsychiatricRegistrationInput(
                case_number="JZ-TEST-x", registration_id=f"R-{_uid()}", risk_summary="x"
            )
        )
    _fault(exc)
