"""Embedded PostgreSQL: keeps data across restarts, really stops, database helpers are idempotent."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import psutil
import pytest

from stack.postgres import EmbeddedPostgres, database_url, drop_database, ensure_database


def _postgres_alive(pid: int) -> bool:
    """A live, non-zombie process (zombies of stopped servers linger until reaped)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _pid(pgdata: Path) -> int:
    """The postmaster pid recorded in pgdata."""
    return int((pgdata / "postmaster.pid").read_text().split("\n", 1)[0])


async def test_data_survives_stop_and_start(tmp_path: Path) -> None:
    pg = EmbeddedPostgres(tmp_path / "pg")
    try:
        began = time.monotonic()
        url = pg.start()
        first_start = time.monotonic() - began
        assert url.startswith("postgresql://postgres@/postgres?host=")
        pid = _pid(tmp_path / "pg")
        conn = await asyncpg.connect(url)
        await conn.execute("CREATE TABLE kept (id int PRIMARY KEY, note text)")
        await conn.execute("INSERT INTO kept VALUES (1, 'still here')")
        await conn.close()

        began = time.monotonic()
        pg.stop()
        stop_time = time.monotonic() - began
        assert not _postgres_alive(pid)
        assert not (tmp_path / "pg" / "postmaster.pid").exists()
        pg.stop()  # idempotent

        began = time.monotonic()
        url = pg.start()
        restart = time.monotonic() - began
        conn = await asyncpg.connect(url)
        assert await conn.fetchval("SELECT note FROM kept WHERE id = 1") == "still here"
        await conn.close()
        print(f"\nPG first start {first_start:.2f}s, stop {stop_time:.2f}s, restart {restart:.2f}s")
    finally:
        pg.stop()


async def test_ensure_database_is_idempotent_and_race_safe(tmp_path: Path) -> None:
    pg = EmbeddedPostgres(tmp_path / "pg", delete_on_stop=True)
    try:
        admin = pg.start()
        urls = await asyncio.gather(*(ensure_database(admin, "rescue_x") for _ in range(4)))
        assert len(set(urls)) == 1
        assert urls[0] == database_url(admin, "rescue_x")
        assert "/rescue_x?host=" in urls[0]
        assert await ensure_database(admin, "rescue_x") == urls[0]
        conn = await asyncpg.connect(urls[0])
        assert await conn.fetchval("SELECT current_database()") == "rescue_x"

        await drop_database(admin, "rescue_x")  # terminates the open session above
        await drop_database(admin, "rescue_x")  # already gone: fine
        admin_conn = await asyncpg.connect(admin)
        gone = await admin_conn.fetchval(
            "SELECT count(*) FROM pg_database WHERE datname = 'rescue_x'"
        )
        await admin_conn.close()
        assert gone == 0
        assert conn.is_closed() or not await _still_usable(conn)
    finally:
        pg.stop()
    assert not (tmp_path / "pg").exists()  # delete_on_stop


async def _still_usable(conn: asyncpg.Connection) -> bool:
    """Whether a connection still answers (it should not after its database was dropped)."""
    try:
        await conn.fetchval("SELECT 1")
    except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError):
        return False
    return True


@pytest.mark.parametrize("name", ["", "Rescue", "a-b", 'x"; DROP', "1abc", "a" * 64])
async def test_database_names_are_validated(name: str) -> None:
    with pytest.raises(ValueError):
        await ensure_database("postgresql://postgres@/postgres?host=/nowhere", name)


async def test_server_left_running_by_hard_exit_is_adopted_and_stopped(tmp_path: Path) -> None:
    pgdata = tmp_path / "pg"
    script = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from stack.postgres import EmbeddedPostgres\n"
        "EmbeddedPostgres(Path(sys.argv[1])).start()\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-W", "ignore", "-c", script, str(pgdata)], check=True)
    orphan = _pid(pgdata)
    assert _postgres_alive(orphan)  # os._exit skipped atexit: the server is still up

    pg = EmbeddedPostgres(pgdata)
    try:
        conn = await asyncpg.connect(pg.start())
        assert await conn.fetchval("SELECT 1") == 1
        await conn.close()
        assert _pid(pgdata) == orphan  # adopted, not a second server
    finally:
        pg.stop()
    assert not _postgres_alive(orphan)


async def test_stale_pid_file_after_crash_is_ignored(tmp_path: Path) -> None:
    pgdata = tmp_path / "pg"
    pg = EmbeddedPostgres(pgdata)
    try:
        pg.start()
        pid = _pid(pgdata)
        stale = (pgdata / "postmaster.pid").read_text()
        pg.stop()
        # A crash leaves postmaster.pid behind; its pid may since belong to another process.
        (pgdata / "postmaster.pid").write_text(
            stale.replace(str(pid), str(psutil.Process().pid), 1)
        )
        conn = await asyncpg.connect(pg.start())
        assert await conn.fetchval("SELECT 1") == 1
        await conn.close()
    finally:
        pg.stop()


async def test_long_data_dir_falls_back_to_a_short_socket_dir(tmp_path: Path) -> None:
    deep = tmp_path / ("d" * 60) / ("e" * 60)  # > 107 bytes: too long for a unix socket path
    deep.mkdir(parents=True)
    pg = EmbeddedPostgres(deep / "pg", delete_on_stop=True)
    try:
        url = pg.start()
        assert str(deep) not in url
        conn = await asyncpg.connect(url)
        assert await conn.fetchval("SELECT 1") == 1
        await conn.close()
    finally:
        pg.stop()
