"""Connecting to Temporal with the project's data converter (pydantic + encryption), and to an
external cluster over TLS or mutual TLS, with an API key, when the settings say so."""

from __future__ import annotations

from pathlib import Path

from temporalio.client import Client
from temporalio.runtime import Runtime
from temporalio.service import TLSConfig

from rescue.codec import data_converter
from rescue.settings import Settings


def tls_config(settings: Settings) -> TLSConfig | bool:
    """The TLS settings of the connection: False (plain, the embedded dev server), True (TLS
    with the system's roots) or a :class:`TLSConfig` with a CA, a client certificate, a name."""
    files = (settings.temporal_tls_ca_file, settings.temporal_tls_cert_file,
             settings.temporal_tls_key_file)
    if not (settings.temporal_tls or settings.temporal_api_key or any(files)
            or settings.temporal_tls_server_name):
        return False
    if bool(settings.temporal_tls_cert_file) != bool(settings.temporal_tls_key_file):
        raise ValueError("RESCUE_TEMPORAL_TLS_CERT_FILE and RESCUE_TEMPORAL_TLS_KEY_FILE "
                         "go together (mutual TLS)")
    if not any(files) and not settings.temporal_tls_server_name:
        return True
    return TLSConfig(
        server_root_ca_cert=_read(settings.temporal_tls_ca_file),
        client_cert=_read(settings.temporal_tls_cert_file),
        client_private_key=_read(settings.temporal_tls_key_file),
        domain=settings.temporal_tls_server_name,
    )


def _read(path: Path | None) -> bytes | None:
    return path.expanduser().read_bytes() if path else None


async def connect(settings: Settings, *, address: str | None = None,
                  runtime: Runtime | None = None) -> Client:
    """A client for the configured namespace; every payload is encrypted with the payload key.
    ``runtime`` carries the worker's telemetry (Prometheus) when given."""
    target = address or settings.temporal_address or f"127.0.0.1:{settings.temporal_port}"
    return await Client.connect(
        target,
        namespace=settings.temporal_namespace,
        data_converter=data_converter([settings.resolved_payload_key()]),
        tls=tls_config(settings),
        api_key=settings.temporal_api_key,
        runtime=runtime,
    )
