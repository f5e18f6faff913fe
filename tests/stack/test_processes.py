"""Supervisor: tees child output, waits for health, notices deaths, stops stubborn children."""

from __future__ import annotations

import asyncio
import io
import sys
from pathlib import Path

import pytest

from stack import processes
from stack.processes import Supervisor
from stack.temporal_server import free_port

HTTP_STUB = """
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/healthz" else 404)
        self.end_headers()
    def log_message(self, *args):
        pass
print("listening", flush=True)
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
"""


async def test_output_is_prefixed_and_logged_and_death_is_noticed(tmp_path: Path) -> None:
    console = io.StringIO()
    sup = Supervisor(tmp_path, console=console)
    try:
        await sup.start("talker", [sys.executable, "-c", "print('hello'); print('bye', end='')"])
        reason = await sup.wait_failure()
        assert "talker exited unexpectedly with code 0" in reason
    finally:
        await sup.stop_all()
    assert "[talker] hello\n" in console.getvalue()
    assert "[talker] bye\n" in console.getvalue()
    assert (tmp_path / "logs" / "talker.log").read_text() == "hello\nbye\n"


async def test_wait_http_and_orderly_stop(tmp_path: Path) -> None:
    console = io.StringIO()
    sup = Supervisor(tmp_path, console=console)
    port = free_port()
    try:
        await sup.start("web", [sys.executable, "-c", HTTP_STUB, str(port)])
        await sup.wait_http(f"http://127.0.0.1:{port}/healthz", 20)
        with pytest.raises(TimeoutError):
            await sup.wait_http(f"http://127.0.0.1:{port}/missing", 1)
    finally:
        await sup.stop_all()
    assert not sup.failed.is_set()  # a requested stop is not a failure
    assert "[web] listening" in console.getvalue()


async def test_wait_http_gives_up_when_a_child_dies(tmp_path: Path) -> None:
    sup = Supervisor(tmp_path, console=io.StringIO())
    try:
        await sup.start("crasher", [sys.executable, "-c", "raise SystemExit(3)"])
        with pytest.raises(RuntimeError, match="crasher exited unexpectedly with code 3"):
            await sup.wait_http(f"http://127.0.0.1:{free_port()}/healthz", 30)
    finally:
        await sup.stop_all()


async def test_child_ignoring_sigterm_is_killed(tmp_path: Path) -> None:
    stubborn = (
        "import signal, time\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "print('ready', flush=True)\n"
        "time.sleep(60)\n"
    )
    console = io.StringIO()
    sup = Supervisor(tmp_path, console=console)
    proc = await sup.start("stubborn", [sys.executable, "-c", stubborn])
    for _ in range(200):
        if "[stubborn] ready" in console.getvalue():
            break
        await asyncio.sleep(0.05)
    await sup.stop_all(grace=0.5)
    assert proc.returncode is not None and proc.returncode < 0
    assert "did not stop" in console.getvalue()


async def test_a_crashed_child_is_restarted_with_backoff_and_a_loop_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(processes, "BACKOFF_START_SECONDS", 0.05)
    monkeypatch.setattr(processes, "BACKOFF_MAX_SECONDS", 0.2)
    console = io.StringIO()
    sup = Supervisor(tmp_path, console=console)
    pids: list[int] = []
    try:
        sup.enable_restarts()
        await sup.start("crasher", [sys.executable, "-c", "print('up', flush=True); raise SystemExit(3)"],
                        on_start=pids.append)
        for _ in range(400):
            if "crash loop" in console.getvalue() and len(pids) >= 6:
                break
            await asyncio.sleep(0.05)
    finally:
        await sup.stop_all()
    text = console.getvalue()
    assert "crasher 意外退出 / exited unexpectedly with code 3" in text
    assert "crash loop: crasher crashed 5 times in a row" in text
    assert len(set(pids)) >= 6 and not sup.failed.is_set()
    count = text.count("已重启 / restarted")
    await asyncio.sleep(0.5)
    assert console.getvalue().count("已重启 / restarted") == count  # stopped means stopped


async def test_backoff_doubles_up_to_the_cap() -> None:
    assert [processes.backoff(n) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]


async def test_a_watched_service_is_revived(tmp_path: Path) -> None:
    console = io.StringIO()
    sup = Supervisor(tmp_path, console=console)
    state = {"alive": True, "revived": 0, "fail_first": True}

    async def revive() -> None:
        if state["fail_first"]:
            state["fail_first"] = False
            raise RuntimeError("socket still in use")
        state["revived"] += 1
        state["alive"] = True

    try:
        sup.watch("Thing", lambda: bool(state["alive"]), revive, interval=0.05)
        state["alive"] = False
        for _ in range(100):
            if state["revived"]:
                break
            await asyncio.sleep(0.05)
    finally:
        await sup.stop_all()
    text = console.getvalue()
    assert "Thing 已停止 / is down" in text
    assert "Thing 未能启动 / did not start: RuntimeError: socket still in use" in text
    assert "Thing 已恢复 / is back" in text and state["revived"] == 1


def test_outage_warnings_of_the_pool_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    import logging

    from rescue.logs import setup_logging
    from rescue.settings import Settings

    setup_logging(Settings(), "api")
    try:
        raise ConnectionRefusedError(111, "Connect call failed")
    except ConnectionRefusedError:
        logging.getLogger("asyncpg.pool").warning("Failed to restore the pool connection floor; "
                                                  "retrying", exc_info=True)
    logging.getLogger("rescue.outbox").info("delivered", extra={"workflow_id": "rescue-case:JZ1"})
    out = capsys.readouterr().out
    assert "Traceback" not in out
    assert "retrying (ConnectionRefusedError)" in out
    assert "delivered workflow_id=rescue-case:JZ1" in out
    logging.getLogger().handlers.clear()
