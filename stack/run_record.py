"""``<data_dir>/run.json``: which processes a run started, so the next run can clean up after a crash.

Children run in their own sessions, so a hard-killed ``rescue up`` leaves them running with
their ports taken. The next run finds them here (matched by pid *and* start time, so a reused
pid is never touched) and stops them; if the recorded parent itself is alive, the data
directory is in use and the new run refuses to start.
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import psutil

STOP_TIMEOUT_SECONDS = 10.0


class AlreadyRunning(RuntimeError):
    """Another live run uses this data directory."""


def _identity(pid: int) -> list[float] | None:
    """[pid, start time] of a live process, None if it is gone."""
    try:
        return [pid, round(psutil.Process(pid).create_time(), 2)]
    except psutil.Error:
        return None


def _same_process(entry: list[float]) -> psutil.Process | None:
    """The live process an entry names, unless its pid now belongs to another process."""
    try:
        proc = psutil.Process(int(entry[0]))
        if abs(proc.create_time() - float(entry[1])) < 0.05 and proc.status() != "zombie":
            return proc
    except (psutil.Error, IndexError, TypeError, ValueError):
        pass
    return None


class RunRecord:
    """The record of the current run in ``data_dir``."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "run.json"
        self._data: dict[str, object] = {}

    def claim(self) -> list[str]:
        """Take the data directory: stop leftovers of a crashed run (return their names)."""
        stopped: list[str] = []
        if self.path.exists():
            try:
                old = json.loads(self.path.read_text())
            except ValueError:
                old = {}
            parent = old.get("parent")
            if isinstance(parent, list) and (live := _same_process(parent)) is not None:
                started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(live.create_time()))
                raise AlreadyRunning(
                    f"系统已在运行 / the system is already running from {self.path.parent}: "
                    f"pid {parent[0]} (started {started}, {_command(live)}). "
                    f"Stop it with Ctrl-C in its terminal or `kill {parent[0]}`, then start again."
                )
            stopped = _stop_leftovers(old.get("children") or {})
        self._data = {"parent": _identity(os.getpid()), "children": {}}
        self._write()
        return stopped

    def add(self, name: str, pid: int) -> None:
        """Remember a started child (a session leader: its pid is its process group)."""
        identity = _identity(pid)
        if identity is not None:
            children = self._data.setdefault("children", {})
            assert isinstance(children, dict)
            children[name] = identity
            self._write()

    def release(self) -> None:
        """The run ended cleanly: nothing is left to clean up."""
        self.path.unlink(missing_ok=True)

    def _write(self) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self._data))
        tmp.replace(self.path)


def _stop_leftovers(children: dict[str, list[float]]) -> list[str]:
    """SIGTERM the process groups of recorded children still alive, then SIGKILL stragglers."""
    alive = {name: proc for name, entry in children.items() if (proc := _same_process(entry))}
    for proc in alive.values():
        _signal_group(proc.pid, signal.SIGTERM)
    _, still = psutil.wait_procs(list(alive.values()), timeout=STOP_TIMEOUT_SECONDS)
    for proc in still:
        _signal_group(proc.pid, signal.SIGKILL)
    psutil.wait_procs(still, timeout=STOP_TIMEOUT_SECONDS)
    return sorted(alive)


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    """Signal a leftover's process group; it may be gone already."""
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _command(proc: psutil.Process) -> str:
    try:
        return " ".join(proc.cmdline())[:120] or proc.name()
    except psutil.Error:
        return "?"


def holder_of(port: int) -> str:
    """Who listens on ``port``: "pid 123: temporal server start-dev …", for error messages."""
    try:
        for conn in psutil.net_connections(kind="tcp"):
            if conn.laddr and conn.laddr.port == port and conn.status == psutil.CONN_LISTEN:
                if conn.pid is None:
                    return "held by another user's process"
                return f"pid {conn.pid}: {_command(psutil.Process(conn.pid))}"
    except psutil.Error:
        pass
    return "held by an unknown process"
