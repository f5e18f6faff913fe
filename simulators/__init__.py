"""Agency simulators: police population system, designated hospital, railway ticket office.

Each is a small FastAPI app with in-memory state and injectable faults; the system's
activities reach them over HTTP. Run one with ``python -m simulators <agency>``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

    from simulators.common import SimulatorConfig

AGENCIES = ("police", "hospital", "transport")


def create_simulator_app(agency: str, config: SimulatorConfig) -> FastAPI:
    """The app of one agency (imported on demand, so importing this package stays cheap)."""
    if agency not in AGENCIES:
        raise ValueError(f"unknown agency {agency!r}; expected one of {', '.join(AGENCIES)}")
    return import_module(f"simulators.{agency}").create_app(config)
