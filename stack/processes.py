"""A tiny supervisor for the processes of a one-machine run.

Each child runs in its own session (so a terminal Ctrl-C reaches only the parent, which then
stops the children in reverse start order). Its output, prefixed with its name, goes to the
console and to ``<data_dir>/logs/<name>.log``. A child that exits while not being stopped
marks the supervisor failed, and whoever waits on :meth:`Supervisor.wait_failure` shuts down.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, TextIO

import httpx


@dataclass
class Child:
    """One supervised process and the task copying its output."""

    name: str
    proc: asyncio.subprocess.Process
    log: BinaryIO
    pump: asyncio.Task[None] | None = field(default=None)


class Supervisor:
    """Starts named child processes, tees their output, notices deaths, stops them all."""

    def __init__(self, data_dir: Path, *, console: TextIO | None = None) -> None:
        self.log_dir = data_dir / "logs"
        self._console = console
        self._children: list[Child] = []
        self._stopping = False
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
        self, name: str, argv: Sequence[str], env: Mapping[str, str] | None = None
    ) -> asyncio.subprocess.Process:
        """Start ``argv`` as child ``name`` (output prefixed and logged); return its process."""
        if self._stopping:
            raise RuntimeError("supervisor is stopping")
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = _open_log(self.log_dir / f"{name}.log")
        child_env = dict(env) if env is not None else dict(os.environ)
        child_env.setdefault("PYTHONUNBUFFERED", "1")  # piped Python output is block-buffered
        try:
            proc = await asyncio.create_subprocess_exec(
                *argv,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
                env=child_env,
                start_new_session=True,
            )
        except BaseException:
            log.close()
            raise
        child = Child(name=name, proc=proc, log=log)
        child.pump = asyncio.create_task(self._pump(child), name=f"pump-{name}")
        self._children.append(child)
        return proc

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
        if not self._stopping:
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
        """SIGTERM the children in reverse start order, each waited up to ``grace`` s, then SIGKILL."""
        self._stopping = True
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


def _open_log(path: Path) -> BinaryIO:
    """Open a child's log for appending (history of earlier runs is kept); closed in stop_all."""
    return open(path, "ab")


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    """Send ``sig`` to a child's process group (it is the group leader); ignore if gone."""
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass
