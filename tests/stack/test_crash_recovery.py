"""After a hard kill of ``rescue up`` the next run cleans up the leftovers and starts normally."""

from __future__ import annotations

import asyncio
import io
import json
import subprocess
import sys
from pathlib import Path

import psutil
import pytest
import stack_stubs

from stack import up
from stack.run_record import AlreadyRunning, RunRecord
from stack.temporal_server import port_is_free

HERE = Path(__file__).parent
CRASHING_RUN = """
import asyncio, json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import stack_stubs
from rescue.settings import Settings
from stack import up

async def no_bootstrap(database_url: str) -> None:
    pass

stack_stubs.install(up, Path(sys.argv[2]))
settings = Settings(**json.loads(sys.argv[3]))
asyncio.run(up.run_up(settings, bootstrap=no_bootstrap))
"""


async def _no_bootstrap(database_url: str) -> None:
    pass


def test_a_live_run_keeps_its_data_dir(tmp_path: Path) -> None:
    RunRecord(tmp_path).claim()  # this process is the live parent
    with pytest.raises(AlreadyRunning):
        RunRecord(tmp_path).claim()


def test_leftover_children_are_stopped_but_reused_pids_are_not(tmp_path: Path) -> None:
    leftover = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True
    )
    record = RunRecord(tmp_path)
    record.claim()
    record.add("sleeper", leftover.pid)
    data = json.loads(record.path.read_text())
    data["parent"] = [2**22 + 1, 0.0]  # a parent that is gone
    data["children"]["impostor"] = [psutil.Process().pid, 1.0]  # our pid, another start time
    record.path.write_text(json.dumps(data))

    assert RunRecord(tmp_path).claim() == ["sleeper"]
    assert leftover.wait(5) is not None
    assert psutil.Process().is_running()


async def test_next_run_after_a_hard_kill(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = stack_stubs.settings_on_free_ports(tmp_path)
    overrides = settings.model_dump(mode="json", exclude_none=True)
    out = tmp_path / "crashing.out"
    with open(out, "wb") as sink:
        crashing = subprocess.Popen(
            [
                sys.executable,
                "-c",
                CRASHING_RUN,
                str(HERE),
                str(tmp_path / "env1.json"),
                json.dumps(overrides),
            ],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        for _ in range(600):
            if "Ctrl-C" in out.read_text(errors="replace") or crashing.poll() is not None:
                break
            await asyncio.sleep(0.1)
        assert "Ctrl-C" in out.read_text(errors="replace"), out.read_text(errors="replace")
    finally:
        crashing.kill()  # no clean-up at all: children, Temporal and PostgreSQL are orphaned
        crashing.wait()
    orphans = json.loads((tmp_path / "data" / "run.json").read_text())["children"]
    assert not port_is_free(settings.temporal_port)

    monkeypatch.setattr(up, "child_specs", up.child_specs)
    stack_stubs.install(up, tmp_path / "env2.json")
    console, stop = io.StringIO(), asyncio.Event()
    run = asyncio.create_task(
        up.run_up(settings, bootstrap=_no_bootstrap, stop=stop, console=console)
    )
    await stack_stubs.until_ready(console, run)
    assert (
        "stopped leftovers of a crashed run: api, hospital, police, temporal, transport, worker"
        in console.getvalue()
    )
    stop.set()
    assert await run == 0
    for pid, _ in orphans.values():
        assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == "zombie"
    assert port_is_free(settings.temporal_port) and port_is_free(settings.api_port)
    assert not (tmp_path / "data" / "pg" / "postmaster.pid").exists()
