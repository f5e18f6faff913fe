"""The child processes of a one-machine run: their command lines and their environment."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import SecretBytes, SecretStr
from pydantic_core import to_jsonable_python

from rescue.settings import Settings


@dataclass(frozen=True)
class ChildSpec:
    """A child process of the run and how to tell it is up."""

    name: str
    argv: list[str]
    health_url: str | None = None
    ok_statuses: tuple[int, ...] = (200,)
    port: tuple[str, int] | None = None
    """(host, port) it will listen on, checked free before start."""


def _port_of(url: str) -> int:
    """Port of an http(s) URL, explicit or implied by the scheme."""
    parts = urlsplit(url)
    return parts.port or (443 if parts.scheme == "https" else 80)


def bind_address(host_port: tuple[str, int]) -> tuple[int, str]:
    """(port, host) arguments of port_is_free for a listen address."""
    host, port = host_port
    return port, host or "127.0.0.1"


def child_specs(settings: Settings) -> list[ChildSpec]:
    """The simulators, the worker and the API, in start order."""
    python = sys.executable
    specs = []
    host = "127.0.0.1" if settings.api_host in ("0.0.0.0", "") else settings.api_host
    callback_url = settings.public_api_url or f"http://{host}:{settings.api_port}"
    for agency, url in (
        ("police", settings.police_url),
        ("hospital", settings.hospital_url),
        ("transport", settings.transport_url),
    ):
        port = _port_of(url)
        argv = [python, "-m", "simulators", agency, "--port", str(port)]
        argv += ["--api-key", settings.agency_api_key]
        argv += ["--admin-token", settings.simulator_admin_token]
        argv += ["--callback-url", callback_url]
        argv += ["--callback-key", getattr(settings, f"{agency}_callback_key")]
        health = f"{url.rstrip('/')}/healthz"
        specs.append(ChildSpec(agency, argv, health, port=("127.0.0.1", port)))
    specs.append(ChildSpec("worker", [python, "-m", "worker"]))
    api_health = f"http://{host}:{settings.api_port}/healthz"
    # 503 is an API that is up but reports a dependency not ready: up enough to go on.
    api_argv = [python, "-m", "api"]
    specs.append(
        ChildSpec("api", api_argv, api_health, (200, 503), (settings.api_host, settings.api_port))
    )
    return specs


def child_env(settings: Settings, database_url: str, temporal_address: str) -> dict[str, str]:
    """Inherited environment plus the settings of this run, so children see CLI overrides too."""
    env = dict(os.environ)
    for name, value in settings.model_dump().items():
        if value is not None:
            env[f"RESCUE_{name.upper()}"] = _env_value(value)
    env["RESCUE_DATABASE_URL"] = database_url
    env["RESCUE_TEMPORAL_ADDRESS"] = temporal_address
    env["RESCUE_DATA_DIR"] = str(settings.data_dir)
    return env


def _env_value(value: object) -> str:
    """A setting as pydantic-settings reads it back: plain text for scalars, JSON otherwise."""
    if isinstance(value, SecretStr | SecretBytes):
        value = value.get_secret_value()
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float | Path):
        return str(value)
    return json.dumps(to_jsonable_python(value))
