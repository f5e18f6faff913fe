"""Schemathesis over /openapi.json on the real stack, with the tokens of several roles and
none: no 5xx, every answer's status declared in the schema, every body matching its schema.
Bounded (a few generated requests per operation and caller) so it runs in a few minutes;
the figures are printed."""

from __future__ import annotations

import asyncio
import time

import httpx
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from support import Stack, login

EXAMPLES = 4
"""Generated requests per operation and caller (derandomized: the same ones every run)."""
CALLERS = ("anonymous", "caseworker", "operator", "police")
LEFT_OUT = ("/api/v1/auth/logout", "/api/v1/auth/password")
"""They would end or change the session the other operations use."""


def _checker(operation: schemathesis.APIOperation, base_url: str, headers: dict[str, str],
             sent: list[int]):  # type: ignore[no-untyped-def]
    """A Hypothesis test of one operation as one caller (generation only, no shrinking)."""

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, phases=[Phase.generate], deadline=None, derandomize=True,
              database=None, suppress_health_check=list(HealthCheck))
    def check(case: schemathesis.Case) -> None:
        sent.append(1)
        response = case.call(base_url=base_url, headers=headers, timeout=30)
        case.validate_response(response, checks=[not_a_server_error, status_code_conformance,
                                                 response_schema_conformance])

    return check


def _run(schema_json: dict, base_url: str, headers: dict[str, dict[str, str]]) -> tuple[int, list[str]]:
    schema = schemathesis.openapi.from_dict(schema_json)
    failures: list[str] = []
    sent: list[int] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path in LEFT_OUT:
            continue
        for caller, caller_headers in headers.items():
            check = _checker(operation, base_url, caller_headers, sent)
            try:
                check()
            except (Exception, BaseExceptionGroup) as exc:  # Schemathesis raises a FailureGroup
                # one line per failing operation and caller
                failures.append(f"{operation.label} as {caller}: {str(exc).strip()[:600]}")
    return len(sent), failures


async def test_the_api_keeps_its_schema(stack: Stack, api: httpx.AsyncClient) -> None:
    headers = {"anonymous": {}}
    for username in CALLERS[1:]:
        headers[username] = await login(api, username)
    schema = (await api.get("/openapi.json", headers=headers["operator"])).json()
    started = time.monotonic()
    sent, failures = await asyncio.to_thread(_run, schema, stack.api_url, headers)
    print(f"\nschemathesis: {sent} requests over {len(schema['paths'])} paths as {len(CALLERS)} callers "
          f"in {time.monotonic() - started:.0f} s, {len(failures)} failing")
    assert not failures, "\n".join(failures)
