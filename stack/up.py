"""``rescue up``: the whole system on one machine, started in order and stopped in reverse.

PostgreSQL (embedded unless a URL is configured) → Temporal (dev server unless an address is
configured) → migrations and demo data → agency simulators → worker → API. Everything keeps
its state under ``data_dir``, so stopping and starting again finds all data intact.

Once everything is up, one crash is not an outage: a child that dies is started again with a
backoff, and the embedded PostgreSQL and the Temporal dev server are watched and started again
on the same data (the worker and the API reconnect by themselves). Only Ctrl-C, SIGTERM or
SIGHUP stops the run, and it stops everything, restarted processes included.
"""

from __future__ import annotations

import asyncio
import signal
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from rescue.settings import TEMPORAL_UI_PATH, Settings
from stack.children import bind_address, child_env, child_specs
from stack.postgres import EmbeddedPostgres, ensure_database
from stack.processes import Supervisor
from stack.run_record import AlreadyRunning, RunRecord, holder_of
from stack.temporal_server import TemporalDevServer, ensure_search_attributes, port_is_free

Bootstrap = Callable[[str], Awaitable[None]]
"""Prepares the database at the given URL (migrations, demo data)."""

DATABASE_NAME = "rescue"
HEALTH_TIMEOUT_SECONDS = 60.0


@dataclass
class _Started:
    """What has been started so far, to unwind it in reverse even after a partial start."""

    supervisor: Supervisor
    record: RunRecord
    postgres: EmbeddedPostgres | None = None
    temporal: TemporalDevServer | None = None
    database_url: str = ""
    temporal_address: str = ""


def _default_bootstrap(settings: Settings) -> Bootstrap:
    """The real bootstrap: apply migrations, then load the demo network and users."""

    async def bootstrap(database_url: str) -> None:
        from db.migrate import apply_migrations
        from db.seed import load_demo

        await apply_migrations(database_url)
        await load_demo(database_url, settings)

    return bootstrap


async def _start_everything(settings: Settings, started: _Started, bootstrap: Bootstrap) -> None:
    """Bring every piece up in dependency order, recording each one as it starts."""
    say = started.supervisor.say
    data_dir = settings.data_dir
    if settings.database_url:
        started.database_url = settings.database_url
    else:
        say("启动 PostgreSQL / starting embedded PostgreSQL")
        started.postgres = EmbeddedPostgres(data_dir / "pg")
        admin_url = await asyncio.to_thread(started.postgres.start)
        started.database_url = await ensure_database(admin_url, DATABASE_NAME)
    if settings.temporal_address:
        from temporalio.client import Client

        started.temporal_address = settings.temporal_address
        client = await Client.connect(
            settings.temporal_address, namespace=settings.temporal_namespace
        )
        await ensure_search_attributes(client, settings.temporal_namespace)
    else:
        say("启动 Temporal / starting the Temporal dev server")
        started.temporal = TemporalDevServer(
            port=settings.temporal_port,
            ui_port=settings.temporal_ui_port,
            db_file=data_dir / "temporal.sqlite",
            namespace=settings.temporal_namespace,
            log_file=data_dir / "logs" / "temporal.log",
            codec_endpoint=settings.temporal_ui_codec,
            ui_public_path=TEMPORAL_UI_PATH,
        )
        started.temporal_address = await started.temporal.start()
        if started.temporal.pid is not None:
            started.record.add("temporal", started.temporal.pid)
    say("准备数据库 / applying migrations and demo data")
    await bootstrap(started.database_url)
    specs = child_specs(settings)
    busy = [
        f"{s.name} {s.port[1]} ({holder_of(s.port[1])})"
        for s in specs if s.port and not port_is_free(*bind_address(s.port))
    ]
    if busy:
        raise RuntimeError(f"端口已被占用 / ports already in use: {', '.join(busy)}")
    env = child_env(settings, started.database_url, started.temporal_address)
    for spec in specs:
        await started.supervisor.start(spec.name, spec.argv, env,
                                       on_start=_recorder(started.record, spec.name))
        if spec.health_url:
            await started.supervisor.wait_http(
                spec.health_url, HEALTH_TIMEOUT_SECONDS, ok_statuses=spec.ok_statuses
            )


def _recorder(record: RunRecord, name: str) -> Callable[[int], None]:
    """Keeps the pid of every (re)start of child ``name`` in run.json."""

    def remember(pid: int) -> None:
        record.add(name, pid)

    return remember


def _watch_services(started: _Started) -> None:
    """Watch the embedded PostgreSQL and the Temporal dev server; revive them on their data."""
    supervisor, record = started.supervisor, started.record
    if started.postgres is not None:
        postgres = started.postgres

        async def revive_postgres() -> None:
            await asyncio.to_thread(postgres.restart)

        supervisor.watch("PostgreSQL", postgres.is_running, revive_postgres)
    if started.temporal is not None:
        temporal = started.temporal

        async def revive_temporal() -> None:
            await temporal.restart()
            if temporal.pid is not None:
                record.add("temporal", temporal.pid)

        supervisor.watch("Temporal", temporal.is_running, revive_temporal)


def banner(settings: Settings, *, local_temporal: bool) -> str:
    """The ready message: where to click, where the data is, how to log in."""
    api = settings.api_url.rstrip("/")
    lines = [
        "=" * 64,
        " 救助管理系统已启动 / Rescue management system is running",
        f"  控制台 Console        {api}/console/",
        f"  接口文档 API docs     {api}/console/docs",
    ]
    if local_temporal:  # behind the console's login (operators); the UI itself is on loopback
        lines.append(f"  Temporal 界面 UI      {api}{TEMPORAL_UI_PATH}/")
    lines.append(f"  数据目录 Data dir     {settings.data_dir}")
    try:
        from db.seed import DEMO_USERS
    except ImportError:
        DEMO_USERS = []  # noqa: N806 - the seed is not there yet: no logins to show
    if DEMO_USERS:
        lines.append(f"  演示账号 Demo logins (密码 password: {settings.demo_password})")
        for user in DEMO_USERS:
            node = f", node {user.node_id}" if getattr(user, "node_id", None) else ""
            lines.append(f"    {user.username}  ({user.role}{node})")
    lines += [" 按 Ctrl-C 停止 / press Ctrl-C to stop", "=" * 64]
    return "\n".join(lines)


async def _first(*aws: Awaitable[object]) -> None:
    """Wait until the first of ``aws`` completes; cancel the helper tasks made for the rest."""
    tasks = [asyncio.ensure_future(a) for a in aws]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for given, task in zip(aws, tasks, strict=True):
            if task is not given:  # tasks passed in belong to the caller
                task.cancel()


def _log_error(data_dir: Path, error: BaseException) -> None:
    """Keep the traceback of a failed start in logs/up.log (the console gets one line)."""
    with open(data_dir / "logs" / "up.log", "a", encoding="utf-8") as log:
        log.write("".join(traceback.format_exception(error)))


async def run_up(
    settings: Settings,
    *,
    bootstrap: Bootstrap | None = None,
    stop: asyncio.Event | None = None,
    console: TextIO | None = None,
) -> int:
    """Run the whole system until Ctrl-C/SIGTERM/SIGHUP (or ``stop`` is set).

    ``bootstrap`` None means the real migrations and demo seed. Returns the exit code:
    0 after a requested stop, 1 after a failed start (a child that dies while the system
    starts fails the start; once it runs, crashed children are restarted).
    """
    data_dir = settings.data_dir.expanduser().resolve()
    (data_dir / "logs").mkdir(parents=True, exist_ok=True)
    settings = settings.model_copy(update={"data_dir": data_dir})
    started = _Started(Supervisor(data_dir, console=console), RunRecord(data_dir))
    say = started.supervisor.say
    try:
        leftovers = await asyncio.to_thread(started.record.claim)
    except AlreadyRunning as err:
        say(f"无法启动 / cannot start: {err}")
        return 1
    if leftovers:
        say(
            f"已停止上次运行遗留的进程 / stopped leftovers of a crashed run: {', '.join(leftovers)}"
        )
    loop = asyncio.get_running_loop()
    handled: list[signal.Signals] = []
    if stop is None:
        stop = asyncio.Event()
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            loop.add_signal_handler(sig, stop.set)
            handled.append(sig)
    startup = asyncio.create_task(
        _start_everything(settings, started, bootstrap or _default_bootstrap(settings))
    )
    code = 1
    try:
        await _first(startup, stop.wait(), started.supervisor.failed.wait())
        if not startup.done():
            startup.cancel()
            await asyncio.wait({startup})
            code = 0 if stop.is_set() and not started.supervisor.failed.is_set() else 1
            return code
        error = startup.exception()
        if error is not None:
            _log_error(data_dir, error)
            say(f"启动失败 / start failed: {type(error).__name__}: {error} (logs/up.log)")
            return code
        started.supervisor.enable_restarts()
        _watch_services(started)
        started.supervisor.echo(banner(settings, local_temporal=started.temporal is not None))
        await stop.wait()
        code = 0
        return code
    finally:
        say("正在停止 / stopping…")
        await started.supervisor.stop_all()
        if started.temporal is not None:
            await started.temporal.stop()
        if started.postgres is not None:
            await asyncio.to_thread(started.postgres.stop)
        started.record.release()
        for sig in handled:
            loop.remove_signal_handler(sig)
        say(f"已停止 / stopped (exit code {code})")
