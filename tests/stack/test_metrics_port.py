"""A metrics port already taken (another program, a second system on the machine) costs the
worker its metrics, never its work: it logs what to do and runs on."""

from __future__ import annotations

import logging
import socket

import pytest

from rescue.settings import load_settings
from stack.temporal_server import free_port
from worker import _runtime


def test_the_worker_runs_without_metrics_when_their_port_is_taken(caplog: pytest.LogCaptureFixture) -> None:
    port = free_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        with caplog.at_level(logging.ERROR):
            runtime = _runtime(load_settings(metrics_host="127.0.0.1", worker_metrics_port=port))
    assert runtime is None
    assert f"127.0.0.1:{port}" in caplog.text and "RESCUE_WORKER_METRICS_PORT" in caplog.text


def test_the_worker_serves_metrics_on_a_free_port() -> None:
    assert _runtime(load_settings(metrics_host="127.0.0.1", worker_metrics_port=free_port())) is not None
