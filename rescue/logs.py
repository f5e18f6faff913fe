"""Logging of the processes: text for people, or one JSON object per line for a log shipper.

Log lines name cases by their ids and workflow ids (``extra={"case_id": ..., "workflow_id":
...}``), never by a person's name or any other personal data: bodies and payloads are never
logged. ``RESCUE_LOG_FORMAT=json`` switches every process of a deployment to JSON.
"""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

from rescue.settings import Settings

CASE_FIELDS = ("case_id", "case_number", "workflow_id", "outbox_id")
"""The extras that identify what a line is about; they appear in text lines too."""


class _CaseFields(logging.Filter):
    """Text lines get the case fields of their extras appended (``workflow_id=...``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        fields = [f"{name}={getattr(record, name)}" for name in CASE_FIELDS
                  if getattr(record, name, None) is not None]
        record.case_fields = (" " + " ".join(fields)) if fields else ""
        return True


class _OneLine(logging.Filter):
    """A dependency's expected outage warning (asyncpg restoring its pool while PostgreSQL is
    down) as one line naming the error, instead of a traceback every few seconds."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.levelno < logging.ERROR:
            error = record.exc_info[1]
            record.msg = f"{record.getMessage()} ({type(error).__name__})"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True


class PathOnly(logging.Filter):
    """Access log lines carry the path without the query string: a search's ``q=`` holds
    identity numbers and names. uvicorn's access record has the args (client, method,
    path with query, HTTP version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


def setup_logging(settings: Settings, process: str, *, level: int = logging.INFO) -> None:
    """Configure the root logger of a process (``api``, ``worker``) once, at start-up."""
    handler = logging.StreamHandler(sys.stdout)
    if settings.log_format == "json":
        handler.setFormatter(JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            static_fields={"process": process}))
    else:
        handler.addFilter(_CaseFields())
        handler.setFormatter(logging.Formatter(
            f"%(asctime)s {process} %(levelname)s %(name)s %(message)s%(case_fields)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, PathOnly) for f in access.filters):
        access.addFilter(PathOnly())
    pool_log = logging.getLogger("asyncpg.pool")
    if not any(isinstance(f, _OneLine) for f in pool_log.filters):
        pool_log.addFilter(_OneLine())
