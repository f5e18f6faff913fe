"""The benchmark runs: ``scripts/bench --size tiny`` starts the system as separate processes,
carries whole cases through the API, the bare yardstick beside them, and prints and writes all
six sections. No figure is asserted (the machine is shared); that every section is there and
that no case failed is."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.timeout(600)
def test_the_tiny_benchmark_prints_and_writes_every_section(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = subprocess.run([sys.executable, "-m", "benchmarks.system", "--size", "tiny",
                           "--json", str(out)], cwd=ROOT, capture_output=True, text=True,
                          timeout=560, check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    printed = done.stdout
    assert "throughput: " in printed and "cases/min" in printed
    for heading in ("-- 1.", "-- 2.", "-- 3.", "-- 4.", "-- 5.", "-- 6."):
        assert heading in printed, heading
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert {"machine", "versions", "parameters", "throughput", "latency", "history",
            "long_stay", "open_cases", "read_side"} <= figures.keys()
    for run in figures["throughput"]:
        assert run["engine"]["failed"] == 0, run["engine"]["failures"]
        assert run["bare"]["failed"] == 0, run["bare"]["failures"]
    # The bare yardstick did the same Temporal work as the recorded happy path.
    for flow in ("case", "follow_up"):
        real, bare = figures["happy_path_counts"][flow], figures["bare_counts"][flow]
        for what in ("activities", "updates", "timers_started", "timers_fired", "upserts", "children"):
            assert bare[what] == real[what], (flow, what, bare, real)
    assert figures["open_cases"]["waiting"] >= figures["parameters"]["open_cases"]
