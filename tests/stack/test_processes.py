"""Supervisor: tees child output, waits for health, notices deaths, stops stubborn children."""

from __future__ import annotations

import asyncio
import io
import sys
from pathlib import Path

import pytest

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
