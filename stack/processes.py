"""The supervisor of a one-machine run: starts the children, restarts the ones that crash.

Each child runs in its own session (so a terminal Ctrl-C reaches only the parent, which then
stops the children in reverse start order). Its output, prefixed with its name, goes to the
console and to ``<data_dir>/logs/<name>.log``. While the system starts, a child that exits
marks the supervisor failed (a broken configuration should not loop); once it runs
(:meth:`Supervisor.enable_restarts`), a crashed child is started again after a backoff of
1, 2, 4 … 30 s, and five crashes in a row without staying up a minute are reported as a crash
loop (it keeps being retried). Services that are not our children (the Temporal dev server,
embedded PostgreSQL) are watched with :meth:`Supervisor.watch` and revived the same way.

Why not supervisord, circus or honcho: honcho stops everything when one process dies (the
behaviour this replaces); supervisord and circus are daemons with their own configuration and
control sockets, give up after a fixed number of start retries (FATAL), and know nothing of
the start order with health gates and migrations in between, nor of PostgreSQL started by
``pg_ctl`` (which daemonizes). The part they would bring is the restart loop below.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, TextIO

import httpx

BACKOFF_START_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 30.0
STABLE_SECONDS = 60.0
"""A child (or service) up this long has recovered: its next crash starts the backoff anew."""
CRASH_LOOP = 5
"""Crashes in a row, none staying up STABLE_SECONDS, that are reported as a crash loop."""


def backoff(crashes: int) -> float:
    """Seconds before restart number ``crashes`` (1, 2, 4 … 30)."""
    return min(BACKOFF_START_SECONDS * 2 ** (crashes - 1), BACKOFF_MAX_SECONDS)


@dataclass
class Child:
    """One supervised process, how to start it again, and the task copying its output."""

    name: str
    argv: list[str]
    env: dict[str, str]
    proc: asyncio.subprocess.Process
    log: BinaryIO
    pump: asyncio.Task[None] | None = field(default=None)
    started_at: float = field(default_factory=time.monotonic)
    crashes: int = 0
    """Crashes in a row, each before the child stayed up STABLE_SECONDS."""
    on_start: Callable[[int], None] | None = None
    """Told the pid of every (re)start: the run record keeps it for clean-up after a crash."""


class Supervisor:
    """Starts named child processes, tees their output, notices deaths, stops them all."""

    def __init__(self, data_dir: Path, *, console: TextIO | None = None) -> None:
        self.log_dir = data_dir / "logs"
        self._console = console
        self._children: list[Child] = []
        self._stopping = False
        self._restarts = False
        self._tasks: set[asyncio.Task[None]] = set()  # restart timers and watchers
        self.failed = asyncio.Event()
        self.failure: str | None = None
        """Why the supervisor failed: which child exited, with which code."""

    def say(self, line: str) -> None:
        """Write one line of the supervisor's own to the console."""
        self._write_console(f"[up] {line}\n")

    def echo(self, text: str) -> None:
        """Write a block of text (the banner) to the console as is."""
        self._write_console(text.rstrip("\n") + "\n")

    def _write_console(self, text: str) -> None:
        """Write to the console; never fail because of it."""
        console = self._console or sys.stdout
        try:
            console.write(text)
            console.flush()
        except (OSError, ValueError):
            pass  # a closed console must not take the system down

    async def start(
        self, name: str, argv: Sequence[str], env: Mapping[str, str] | None = None, *,
        on_start: Callable[[int], None] | None = None,
    ) -> asyncio.subprocess.Process:
        """Start ``argv`` as child ``name`` (output prefixed and logged); return its process."""
        if self._stopping:
            raise RuntimeError("supervisor is stopping")
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = _open_log(self.log_dir / f"{name}.log")
        child_env = dict(env) if env is not None else dict(os.environ)
        child_env.setdefault("PYTHONUNBUFFERED", "1")  # piped Python output is block-buffered
        try:
            proc = await _spawn(list(argv), child_env)
        except BaseException:
            log.close()
            raise
        child = Child(name=name, argv=list(argv), env=child_env, proc=proc, log=log,
                      on_start=on_start)
        child.pump = asyncio.create_task(self._pump(child), name=f"pump-{name}")
        self._children.append(child)
        if on_start is not None:
            on_start(proc.pid)
        return proc

    def enable_restarts(self) -> None:
        """From now on a child that exits is started again (the system is up)."""
        self._restarts = True

    def pid_of(self, name: str) -> int | None:
        """Pid of the running child ``name`` (None while it is down)."""
        for child in self._children:
            if child.name == name and child.proc.returncode is None:
                return child.proc.pid
        return None

    def _crashed(self, child: Child, code: int) -> None:
        """A running child exited: report it and start it again after the backoff."""
        if time.monotonic() - child.started_at >= STABLE_SECONDS:
            child.crashes = 0
        child.crashes += 1
        delay = backoff(child.crashes)
        self.say(f"{child.name} 意外退出 / exited unexpectedly with code {code}; "
                 f"{delay:.0f}s 后重启 / restarting in {delay:.0f}s (crash {child.crashes} in a row)")
        if child.crashes == CRASH_LOOP:
            self.say(f"崩溃循环 / crash loop: {child.name} crashed {CRASH_LOOP} times in a row, "
                     f"never up for {STABLE_SECONDS:.0f}s; still retrying every "
                     f"{BACKOFF_MAX_SECONDS:.0f}s at most. See logs/{child.name}.log")
        self._spawn_task(self._restart_after(child, delay), f"restart-{child.name}")

    async def _restart_after(self, child: Child, delay: float) -> None:
        await asyncio.sleep(delay)
        if self._stopping:
            return
        try:
            child.proc = await _spawn(child.argv, child.env)
        except OSError as err:
            self.say(f"{child.name} 无法启动 / could not be started: {err}")
            self._crashed(child, -1)
            return
        child.started_at = time.monotonic()
        child.pump = asyncio.create_task(self._pump(child), name=f"pump-{child.name}")
        if child.on_start is not None:
            child.on_start(child.proc.pid)
        self.say(f"{child.name} 已重启 / restarted (pid {child.proc.pid})")

    def watch(self, name: str, alive: Callable[[], bool], revive: Callable[[], Awaitable[None]],
              *, interval: float = 1.0) -> None:
        """Check ``alive()`` every ``interval`` s; when it is down, say so and ``revive()`` it
        (retried with the backoff; a crash loop is reported) until it is back or we stop."""
        self._spawn_task(self._watch(name, alive, revive, interval), f"watch-{name}")

    async def _watch(self, name: str, alive: Callable[[], bool],
                     revive: Callable[[], Awaitable[None]], interval: float) -> None:
        crashes, up_since = 0, time.monotonic()
        while not self._stopping:
            await asyncio.sleep(interval)
            if self._stopping or alive():
                continue
            if time.monotonic() - up_since >= STABLE_SECONDS:
                crashes = 0
            self.say(f"{name} 已停止 / is down: 正在用原有数据重新启动 / starting it again "
                     "on the same data")
            while not self._stopping:
                crashes += 1
                try:
                    await revive()
                    up_since = time.monotonic()
                    self.say(f"{name} 已恢复 / is back")
                    break
                except Exception as err:  # noqa: BLE001 - reported, then retried
                    delay = backoff(crashes)
                    self.say(f"{name} 未能启动 / did not start: {type(err).__name__}: "
                             f"{str(err)[:200]}; retrying in {delay:.0f}s")
                    if crashes == CRASH_LOOP:
                        self.say(f"崩溃循环 / crash loop: {name} failed {CRASH_LOOP} times in "
                                 "a row; still retrying")
                    await asyncio.sleep(delay)

    def _spawn_task(self, coro: Awaitable[None], name: str) -> None:
        task = asyncio.ensure_future(coro)
        task.set_name(name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _pump(self, child: Child) -> None:
        """Copy the child's output line by line; when it ends, notice an unexpected exit."""
        assert child.proc.stdout is not None
        prefix = f"[{child.name}] "
        pending = b""
        while True:
            chunk = await child.proc.stdout.read(65536)
            if not chunk:
                break
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                self._emit(child, prefix, line)
        if pending:
            self._emit(child, prefix, pending)
        code = await child.proc.wait()
        if self._stopping:
            return
        if self._restarts:
            self._crashed(child, code)
        else:
            self.fail(f"{child.name} exited unexpectedly with code {code}")

    def _emit(self, child: Child, prefix: str, line: bytes) -> None:
        """One output line of a child to its log file and the console."""
        try:
            child.log.write(line + b"\n")
            child.log.flush()
        except (OSError, ValueError):
            pass
        self._write_console(prefix + line.decode("utf-8", errors="replace").rstrip("\r") + "\n")

    def fail(self, reason: str) -> None:
        """Record the first failure and wake whoever waits on it."""
        if self.failure is None:
            self.failure = reason
            self.say(f"错误 error: {reason}")
        self.failed.set()

    async def wait_failure(self) -> str:
        """Wait until a child dies unexpectedly; return why."""
        await self.failed.wait()
        return self.failure or "unknown failure"

    async def wait_http(
        self,
        url: str,
        timeout: float,  # noqa: ASYNC109 - a deadline over many polls, not one operation
        *,
        ok_statuses: Sequence[int] = (200,),
    ) -> None:
        """Wait until a GET of ``url`` answers one of ``ok_statuses``; give up if a child dies."""
        deadline = time.monotonic() + timeout
        last = "no answer"
        # trust_env=False: a HTTP(S)_PROXY in the environment must not capture local calls.
        async with httpx.AsyncClient(timeout=2.0, trust_env=False) as client:
            while time.monotonic() < deadline:
                if self.failed.is_set():
                    raise RuntimeError(f"gave up waiting for {url}: {self.failure}")
                try:
                    response = await client.get(url)
                    if response.status_code in ok_statuses:
                        return
                    last = f"status {response.status_code}"
                except httpx.HTTPError as err:
                    last = type(err).__name__
                try:
                    await asyncio.wait_for(self.failed.wait(), timeout=0.2)
                except TimeoutError:
                    pass
        raise TimeoutError(f"{url} did not answer within {timeout:.0f}s ({last})")

    async def stop_all(self, grace: float = 10.0) -> None:
        """SIGTERM the children in reverse start order, each waited up to ``grace`` s, then
        SIGKILL; pending restarts and watchers end first, so nothing comes back."""
        self._stopping = True
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=grace)
        for child in reversed(self._children):
            if child.proc.returncode is None:
                _signal_group(child.proc.pid, signal.SIGTERM)
                try:
                    await asyncio.wait_for(child.proc.wait(), timeout=grace)
                except TimeoutError:
                    self.say(f"{child.name} did not stop within {grace:.0f}s: killing it")
                    _signal_group(child.proc.pid, signal.SIGKILL)
                    await child.proc.wait()
            if child.pump is not None:
                await asyncio.wait({child.pump}, timeout=5)
                child.pump.cancel()  # a grandchild may hold the pipe open: stop copying anyway
            child.log.close()
        self._children.clear()


async def _spawn(argv: list[str], env: dict[str, str]) -> asyncio.subprocess.Process:
    """A child in its own session, output piped to us, no input."""
    return await asyncio.create_subprocess_exec(
        *argv,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )


def _open_log(path: Path) -> BinaryIO:
    """Open a child's log for appending (history of earlier runs is kept); closed in stop_all."""
    return open(path, "ab")


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    """Send ``sig`` to a child's process group (it is the group leader); ignore if gone."""
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass
