"""How an adapter turns an agency's HTTP answer into a result, a retryable fault or a refusal.

Adapters never retry or sleep: Temporal's retry policy owns retries. A refusal (a 4xx other
than authentication) is non-retryable with type AGENCY_REFUSED so the workflow can branch.
"""

from __future__ import annotations

from typing import Any

import httpx
from temporalio.exceptions import ApplicationError

from domain.agencies import AGENCY_REFUSED, AGENCY_UNAVAILABLE


async def call_agency(
    client: httpx.AsyncClient,
    agency: str,
    method: str,
    url: str,
    *,
    json: Any = None,
    headers: dict[str, str] | None = None,
) -> Any:
    """Send one request and return the JSON body of a 2xx answer."""
    try:
        response = await client.request(method, url, json=json, headers=headers)
    except httpx.HTTPError as exc:
        raise ApplicationError(
            f"{agency} unreachable: {type(exc).__name__}", type=AGENCY_UNAVAILABLE
        ) from exc
    if response.is_success:
        return response.json()
    code, message = _error_of(response)
    if response.status_code in (401, 403, 408, 429) or response.status_code >= 500:
        # Faults and misconfiguration: keep retrying; operators see the failing activity.
        raise ApplicationError(
            f"{agency} answered {response.status_code} {code}: {message}",
            type=AGENCY_UNAVAILABLE,
        )
    raise ApplicationError(
        f"{agency} refused ({response.status_code} {code}): {message}",
        {"agency": agency, "status": response.status_code, "code": code, "message": message},
        type=AGENCY_REFUSED,
        non_retryable=True,
    )


def _error_of(response: httpx.Response) -> tuple[str, str]:
    try:
        body = response.json()
    except ValueError:
        return "unknown", response.text[:200]
    if isinstance(body, dict):
        return str(body.get("code", "unknown")), str(body.get("message", ""))[:500]
    return "unknown", str(body)[:200]
