"""The system as ``scripts/run`` runs it, for the benchmark: embedded PostgreSQL and a Temporal
dev server owned by the benchmark, then the simulators, the worker and the API as separate
child processes (the same command lines and environment as ``rescue up``), plus the bare
yardstick's worker. Their resident memory is sampled all along (peak per process)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
from prometheus_client.parser import text_string_to_metric_families
from temporalio.client import Client

from db.migrate import apply_migrations
from db.seed import load_demo
from rescue.settings import Settings
from rescue.temporal_client import connect
from stack.children import child_env, child_specs
from stack.postgres import EmbeddedPostgres, ensure_database
from stack.processes import Supervisor
from stack.temporal_server import TemporalDevServer, free_port

BARE_QUEUE = "bare-bench"


@dataclass
class RssSampler:
    """Peak and last resident set size of named processes, sampled every ``every`` seconds."""

    pids: dict[str, int]
    every: float = 0.25
    peak: dict[str, int] = field(default_factory=dict)
    last: dict[str, int] = field(default_factory=dict)

    def sample(self) -> None:
        for name, pid in self.pids.items():
            with contextlib.suppress(psutil.Error):
                rss = psutil.Process(pid).memory_info().rss
                self.last[name] = rss
                self.peak[name] = max(self.peak.get(name, 0), rss)

    def reset_peaks(self) -> None:
        self.peak = dict(self.last)

    async def run(self) -> None:
        while True:
            self.sample()
            await asyncio.sleep(self.every)


@dataclass
class CpuMeter:
    """CPU seconds used so far by each process of the system: PostgreSQL counts its postmaster,
    its live backends and those already gone; the others count themselves alone."""

    pids: dict[str, int]
    with_children: frozenset[str] = frozenset({"postgres"})

    def snapshot(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for name, pid in self.pids.items():
            with contextlib.suppress(psutil.Error):
                proc = psutil.Process(pid)
                t = proc.cpu_times()
                total = t.user + t.system
                if name in self.with_children:
                    total += t.children_user + t.children_system
                    for child in proc.children(recursive=True):
                        with contextlib.suppress(psutil.Error):
                            c = child.cpu_times()
                            total += c.user + c.system
                out[name] = total
        return out


def cpu_spent(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {name: after[name] - before.get(name, 0.0) for name in after}


async def temporal_requests(metrics_url: str) -> dict[str, float]:
    """The Temporal server's gRPC requests so far, by operation (its ``service_requests``)."""
    async with httpx.AsyncClient(timeout=10, trust_env=False) as http:
        text = (await http.get(metrics_url)).text
    out: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        if family.name != "service_requests":
            continue
        for sample in family.samples:
            op = sample.labels.get("operation", "?")
            out[op] = out.get(op, 0.0) + sample.value
    return out


async def with_cpu(system: System, run: Awaitable[dict[str, Any]]) -> dict[str, Any]:
    """A run's result with the CPU seconds each process of the system spent during it."""
    before, requests = system.cpu.snapshot(), await temporal_requests(system.temporal_metrics_url)
    out = await run
    out["_cpu"] = cpu_spent(before, system.cpu.snapshot())
    out["_requests"] = cpu_spent(requests, await temporal_requests(system.temporal_metrics_url))
    return out


def fmt_cpu(per_case: dict[str, float]) -> str:
    """``total`` first, then each process, the busiest first."""
    rest = "  ".join(f"{k} {v:g}" for k, v in per_case.items() if k != "total" and v >= 0.5)
    return f"total {per_case.get('total', 0):g} = {rest}"


@dataclass
class System:
    settings: Settings
    client: Client
    database_url: str
    api_url: str
    temporal_address: str
    data_dir: Path
    rss: RssSampler
    versions: dict[str, str]
    cpu: CpuMeter
    temporal_metrics_url: str


@contextlib.asynccontextmanager
async def running_system(*, keep_logs: Path | None = None) -> AsyncIterator[System]:
    """Start everything on free ports, yield it, stop everything (data thrown away)."""
    data_dir = Path(tempfile.mkdtemp(prefix="rescue-bench-"))
    (data_dir / "logs").mkdir()
    console = (data_dir / "logs" / "console.log").open("w", encoding="utf-8")  # noqa: ASYNC230, SIM115
    async with contextlib.AsyncExitStack() as stack:
        stack.callback(shutil.rmtree, data_dir, True)
        stack.callback(console.close)
        if keep_logs is not None:
            stack.callback(shutil.copytree, data_dir / "logs", keep_logs, dirs_exist_ok=True)
        pg = EmbeddedPostgres(data_dir / "pg", delete_on_stop=True)
        admin = await asyncio.to_thread(pg.start)
        stack.callback(pg.stop)
        database_url = await ensure_database(admin, "rescue")
        server = TemporalDevServer(port=free_port(), ui_port=None, db_file=None,
                                   log_file=data_dir / "logs" / "temporal.log", metrics_port=free_port())
        temporal_address = await server.start()
        stack.push_async_callback(server.stop)
        ports = {name: free_port() for name in ("police", "hospital", "transport", "api")}
        settings = Settings(
            data_dir=data_dir, database_url=database_url, temporal_address=temporal_address,
            task_queue=f"rescue-{uuid.uuid4().hex[:8]}", api_port=ports["api"], api_host="127.0.0.1",
            policy="compressed", allow_policy_overrides=True,
            **{f"{n}_url": f"http://127.0.0.1:{ports[n]}" for n in ("police", "hospital", "transport")})
        await apply_migrations(database_url)
        await load_demo(database_url, settings)
        supervisor = Supervisor(data_dir, console=console)
        stack.push_async_callback(supervisor.stop_all)
        env = child_env(settings, database_url, temporal_address)
        pids: dict[str, int] = {}
        for spec in child_specs(settings):
            proc = await supervisor.start(spec.name, spec.argv, env)
            pids[spec.name] = proc.pid
            if spec.health_url:
                await supervisor.wait_http(spec.health_url, 60.0, ok_statuses=spec.ok_statuses)
        bare = await supervisor.start("bare-worker", [
            sys.executable, "-m", "benchmarks.bare", "--address", temporal_address,
            "--task-queue", BARE_QUEUE], env)
        pids["bare-worker"] = bare.pid
        client = await connect(settings)
        rss = RssSampler(pids)
        sampler = asyncio.create_task(rss.run())
        stack.callback(sampler.cancel)
        cpu = CpuMeter({**pids, "temporal": server.pid or 0, "postgres": pg.postmaster_pid() or 0,
                        "bench": os.getpid()})
        yield System(settings=settings, client=client, database_url=database_url,
                     api_url=f"http://127.0.0.1:{ports['api']}", temporal_address=temporal_address,
                     data_dir=data_dir, rss=rss, versions=_versions(server), cpu=cpu,
                     temporal_metrics_url=f"http://127.0.0.1:{server.metrics_port}/metrics")


def _versions(server: TemporalDevServer) -> dict[str, str]:
    from importlib.metadata import version

    found = {"python": sys.version.split()[0]}
    for dist in ("temporalio", "fastapi", "uvicorn", "asyncpg", "pydantic", "cryptography"):
        with contextlib.suppress(Exception):
            found[dist] = version(dist)
    with contextlib.suppress(Exception):
        import subprocess

        from stack.temporal_server import temporal_binary

        out = subprocess.run([str(temporal_binary()), "--version"], capture_output=True, text=True,
                             timeout=10, check=False)
        found["temporal cli"] = out.stdout.strip().splitlines()[0]
    return found
