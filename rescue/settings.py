"""Settings, built once at start-up from the environment (prefix ``RESCUE_``) and passed down.

Nothing else in the project reads the environment: processes call :func:`load_settings`
and hand the result to what they start.
"""

from __future__ import annotations

import base64
import os
import secrets
import time
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

TEMPORAL_UI_PATH = "/console/temporal"
"""Where the API serves the Temporal UI (its proxy) and where the UI believes it lives."""


class Settings(BaseSettings):
    """Every knob of a deployment; defaults run the whole system on one machine."""

    model_config = SettingsConfigDict(env_prefix="RESCUE_", extra="ignore")

    data_dir: Path = Path(".data")
    """Where embedded PostgreSQL, the Temporal SQLite file and generated keys live."""

    database_url: str | None = None
    """External PostgreSQL (``postgresql://…``); unset means the embedded server."""

    temporal_address: str | None = None
    """External Temporal frontend (``host:port``); unset means the bundled dev server."""
    temporal_namespace: str = "default"
    temporal_tls: bool = False
    """Connect to Temporal over TLS (implied by any of the files below or an API key)."""
    temporal_tls_ca_file: Path | None = None
    """CA bundle that signed the Temporal frontend's certificate (unset: the system's roots)."""
    temporal_tls_cert_file: Path | None = None
    """Client certificate for mutual TLS (with ``temporal_tls_key_file``)."""
    temporal_tls_key_file: Path | None = None
    """Private key of the client certificate."""
    temporal_tls_server_name: str | None = None
    """Name to verify in the server's certificate when it differs from the address's host."""
    temporal_api_key: str | None = None
    """API key sent to Temporal (Temporal Cloud, or a cluster with an API-key authorizer)."""
    task_queue: str = "rescue-cases"
    temporal_port: int = 7233
    temporal_ui_port: int = 8233

    api_host: str = "127.0.0.1"
    api_port: int = 8000
    public_api_url: str | None = None
    """Address the agency simulators call back (defaults to http://api_host:api_port)."""

    police_url: str = "http://127.0.0.1:8101"
    hospital_url: str = "http://127.0.0.1:8102"
    transport_url: str = "http://127.0.0.1:8103"
    agency_api_key: str = "demo-agency-key"
    """Key the adapters present to agency systems (the simulators accept this one)."""
    police_callback_key: str = "demo-police-callback"
    """Credential the police system presents on the API's police callback endpoints."""
    hospital_callback_key: str = "demo-hospital-callback"
    """Credential the hospital presents on the API's hospital callback endpoints."""
    transport_callback_key: str = "demo-transport-callback"
    """Credential the transport system presents on the API's transport callback endpoints."""
    simulator_admin_token: str = "demo-sim-admin"
    """Bearer token for the simulators' fault-injection admin endpoints."""

    policy: str = "standard"
    """Name of the policy new cases get: ``standard`` (real durations) or ``compressed``."""
    allowed_policies: list[str] = ["standard", "compressed", "demo"]
    """Policies a report may ask for by name (the demo asks for ``compressed``); a production
    deployment sets ``RESCUE_ALLOWED_POLICIES='["standard"]'``."""

    allow_policy_overrides: bool = False
    """Let a report carry ``policy_overrides`` (test suites and drills only, never production)."""

    jwt_secret: str | None = None
    """Signing key for bearer tokens; unset means a key generated once into data_dir."""
    payload_key: str | None = None
    """Base64 AES-256 key for Temporal payloads; unset means a key generated into data_dir."""
    photo_key: str | None = None
    """Base64 AES-256 key that seals admission photos at rest; unset means a key generated into
    data_dir. Photos are read with it or a retired key, always written with it."""
    photo_retired_keys: list[str] = []
    """Earlier photo keys (base64), still read after a rotation, never written with."""
    photo_max_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    """Largest admission photo accepted (413 beyond it)."""
    token_ttl_minutes: int = 480
    """Unused since server-side sessions (issue 4): a token lives as long as its session."""

    session_idle_minutes: float = Field(default=30, gt=0)
    """A session (console or API token) unused this long is over: log in again."""
    session_absolute_minutes: float = Field(default=720, gt=0)
    """A session ends this long after login, however busy (12 hours)."""
    login_max_failures: int = Field(default=5, ge=1)
    """Failed logins in a row that lock a username."""
    login_lockout_minutes: float = Field(default=15, gt=0)
    """How long a locked username stays locked."""
    password_history: int = Field(default=5, ge=1, le=24)
    """A new password may not be the current one nor any of this many before it."""
    password_min_length: int = Field(default=10, ge=8)
    """Shortest password accepted when one is set (letters and digits are required too)."""
    temporal_ui_url: str | None = None
    """Where the API's proxy finds the Temporal UI (default http://127.0.0.1:<ui port>); the UI
    must serve under :data:`TEMPORAL_UI_PATH` (``--ui-public-path``). Operators never open it
    directly: they use ``<api>/console/temporal/`` behind the console's login."""
    environment: str = Field(default="production", pattern="^(development|production)$")
    """``development`` publishes the API docs (/docs, /redoc, /openapi.json) without login;
    anywhere else they are behind it (``/console/docs``, or a bearer token for the schema)."""
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    """Largest request body (413 beyond it); photo uploads have their own ceiling."""
    max_text_chars: int = Field(default=5000, ge=100)
    """Longest text in any JSON or form field (422 beyond it): the longest a field allows (a
    monthly report's narrative, 5,000); narrower limits of a field win."""
    operator_scan_limit: int = Field(default=50, ge=1, le=500)
    """Open cases whose workflow the operator page describes per page (bounded Temporal calls)."""
    operator_min_attempts: int = Field(default=3, ge=2)
    """An activity attempted this often without success counts as failing again and again."""
    operator_history_share: float = Field(default=0.5, gt=0, le=1)
    """A workflow whose history passed this share of Temporal's warning limits (10,240 events,
    10 MiB) is listed on the operator page before it comes near them."""

    strict_sandbox: bool = False
    """Re-import our own workflow code in the sandbox for every workflow, so any clock, random
    number or I/O in it fails at once (the test suite sets it; production runs faster without)."""
    workflow_sandbox: bool = False
    """True runs production's workflow code in the (fast) sandbox too. Off by default: the
    sandbox's entry for every activation and every payload's serialization context cost the
    worker 15–20 % more CPU per case (issue 13, measured per process), and determinism is
    checked where it matters, by the strict sandbox of every test run and the replay tests;
    ``strict_sandbox`` wins."""
    access_log: bool = False
    """One log line per HTTP request from uvicorn (path without query string). Off by default:
    6.5 % of the API's CPU under load; requests are counted by the API's metrics, every access to
    a person's data is in the audit trail, and errors are logged either way."""
    metrics_host: str = "127.0.0.1"
    """Address the Prometheus endpoints listen on (loopback: scraped by a local agent)."""
    worker_metrics_port: int = Field(default=9091, ge=0, le=65535)
    """The worker's Temporal SDK metrics (Prometheus text at /metrics); 0 turns them off."""
    api_metrics_port: int = Field(default=9092, ge=0, le=65535)
    """The API's request and outbox metrics (Prometheus text at /metrics); 0 turns them off."""
    log_format: str = Field(default="text", pattern="^(text|json)$")
    """``json``: one JSON object per log line (for a log shipper); ``text``: for people."""

    demo_password: str = "Rescue-Demo-2026"
    """Password of the demo users loaded by the seed (local runs only)."""

    activity_timeout_seconds: float = Field(default=10.0, gt=0)
    """Start-to-close timeout of one agency call; Temporal retries beyond it."""

    @property
    def temporal_ui_codec(self) -> str:
        """The codec endpoint the UI calls from the browser (same origin, console cookie)."""
        return f"{self.api_url.rstrip('/')}/console/codec"

    @property
    def temporal_ui(self) -> str:
        return (self.temporal_ui_url or f"http://127.0.0.1:{self.temporal_ui_port}").rstrip("/")

    @property
    def api_url(self) -> str:
        return self.public_api_url or f"http://{self.api_host}:{self.api_port}"

    def resolved_jwt_secret(self) -> str:
        return self.jwt_secret or _secret_file(self.data_dir / "keys" / "jwt.key")

    def resolved_payload_key(self) -> bytes:
        raw = self.payload_key or _secret_file(self.data_dir / "keys" / "payload.key")
        key = base64.b64decode(raw)
        if len(key) != 32:
            raise ValueError("RESCUE_PAYLOAD_KEY must be 32 bytes, base64-encoded")
        return key


    def resolved_photo_keys(self) -> list[bytes]:
        """The photo key first (it seals), then the retired ones (they only open)."""
        raws = [self.photo_key or _secret_file(self.data_dir / "keys" / "photo.key"),
                *self.photo_retired_keys]
        keys = [base64.b64decode(raw) for raw in raws]
        if any(len(key) != 32 for key in keys):
            raise ValueError("RESCUE_PHOTO_KEY and RESCUE_PHOTO_RETIRED_KEYS must be 32 bytes, base64-encoded")
        return keys


_KEYS: dict[Path, tuple[float, int, str]] = {}
"""Key files already read: when last looked at, their modification time then, their key. The
JWT key is needed on every request; a file is looked at again (its modification time, then its
text only if that changed) at most every ``_LOOK_EVERY`` seconds, so a replaced key is in use
within that time (reading the file, then its ``stat``, on every request cost 1.5 % and 2 % of
the API's CPU under load, issue 13)."""
_LOOK_EVERY = 1.0


def _secret_file(path: Path) -> str:
    """Read a generated key, creating it (mode 0600) on first use so restarts keep it."""
    now = time.monotonic()
    known = _KEYS.get(path)
    if known is not None and now - known[0] < _LOOK_EVERY:
        return known[2]
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        return _create(path)
    value = known[2] if known is not None and known[1] == mtime else path.read_text().strip()
    _KEYS[path] = (now, mtime, value)
    return value


def _create(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    value = base64.b64encode(secrets.token_bytes(32)).decode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(value)
    return value


def load_settings(**overrides: object) -> Settings:
    """Build settings from the environment, with explicit overrides (tests, CLI flags)."""
    return Settings(**overrides)  # type: ignore[arg-type]
