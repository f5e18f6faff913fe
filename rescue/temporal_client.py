"""Connecting to Temporal with the project's data converter (pydantic + encryption)."""

from __future__ import annotations

from temporalio.client import Client

from rescue.codec import data_converter
from rescue.settings import Settings


async def connect(settings: Settings, *, address: str | None = None) -> Client:
    """A client for the configured namespace; every payload is encrypted with the payload key."""
    target = address or settings.temporal_address or f"127.0.0.1:{settings.temporal_port}"
    return await Client.connect(
        target,
        namespace=settings.temporal_namespace,
        data_converter=data_converter([settings.resolved_payload_key()]),
    )
