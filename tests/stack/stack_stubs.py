"""Stand-ins for the real children of ``rescue up``: tiny processes listening where they would."""

from __future__ import annotations

import asyncio
import io
import sys
from dataclasses import replace
from pathlib import Path
from types import ModuleType

from rescue.settings import Settings
from stack.temporal_server import free_port

HTTP_STUB = """
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/healthz" else 404)
        self.end_headers()
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
"""
WORKER_STUB = """
import json, os, sys, time
keys = ("RESCUE_DATABASE_URL", "RESCUE_TEMPORAL_ADDRESS", "RESCUE_DATA_DIR", "RESCUE_API_PORT")
env = {k: os.environ.get(k) for k in keys}
env["pid"] = os.getpid()
open(sys.argv[1], "w").write(json.dumps(env))
print("worker stub running", flush=True)
time.sleep(600)
"""


def install(up: ModuleType, env_file: Path) -> None:
    """Make ``up.child_specs`` start stubs; the worker stub writes its environment to env_file."""
    real = up.child_specs

    def fake(settings: object) -> list[object]:
        specs = []
        for spec in real(settings):
            if spec.name == "worker":
                argv = [sys.executable, "-c", WORKER_STUB, str(env_file)]
            else:
                argv = [sys.executable, "-c", HTTP_STUB, str(spec.port[1])]
            specs.append(replace(spec, argv=argv))
        return specs

    up.child_specs = fake


def settings_on_free_ports(tmp_path: Path) -> Settings:
    """Settings of a run under tmp_path with every port free (tests run next to a real system)."""
    return Settings(
        data_dir=tmp_path / "data",
        database_url=None,
        temporal_address=None,
        temporal_port=free_port(),
        temporal_ui_port=free_port(),
        api_port=free_port(),
        police_url=f"http://127.0.0.1:{free_port()}",
        hospital_url=f"http://127.0.0.1:{free_port()}",
        transport_url=f"http://127.0.0.1:{free_port()}",
    )


async def until_ready(console: io.StringIO, run: asyncio.Task[int]) -> None:
    """Wait for the banner of a run_up task (fail early if the run ends)."""
    for _ in range(600):
        if "Ctrl-C" in console.getvalue():
            return
        if run.done():
            raise AssertionError(f"run_up ended early:\n{console.getvalue()}")
        await asyncio.sleep(0.1)
    raise AssertionError(f"not ready in time:\n{console.getvalue()}")
