"""The handle of the system under fault (see conftest.py)."""

from __future__ import annotations

import asyncio
import io
import json
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from rescue.settings import Settings


@dataclass
class System:
    settings: Settings
    console: io.StringIO
    data_dir: Path

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.api_port}"

    def pid(self, name: str) -> int:
        """Pid of a child (or of the Temporal server) now, from run.json."""
        return int(json.loads((self.data_dir / "run.json").read_text())["children"][name][0])

    def postmaster_pid(self) -> int:
        return int((self.data_dir / "pg" / "postmaster.pid").read_text().split()[0])

    def sim_admin(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.settings.simulator_admin_token}"}

    async def healthy(self, timeout: float = 120) -> float:
        """Wait until /healthz is 200; return the seconds it took."""
        started = time.monotonic()
        async with httpx.AsyncClient(timeout=5, trust_env=False) as http:
            while time.monotonic() - started < timeout:
                try:
                    if (await http.get(f"{self.api_url}/healthz")).status_code == 200:
                        return time.monotonic() - started
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.25)
        raise AssertionError(f"not healthy after {timeout}s:\n{self.console.getvalue()[-3000:]}")
