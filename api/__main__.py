"""``python -m api``: serve the API and console with uvicorn on the configured port."""

from __future__ import annotations

import logging
import os

import uvicorn
from prometheus_client import start_http_server

from api.app import create_app
from rescue.logs import setup_logging
from rescue.settings import load_settings


def main() -> None:
    settings = load_settings()
    setup_logging(settings, "api")
    log = logging.getLogger("api")
    if settings.api_metrics_port:  # request and outbox metrics, apart from the public port
        try:
            start_http_server(settings.api_metrics_port, addr=settings.metrics_host)
            log.info("API metrics on http://%s:%s/metrics", settings.metrics_host, settings.api_metrics_port)
        except OSError as exc:  # the port is taken: the console matters more than its metrics
            log.error("API metrics not served on %s:%s (%s): the API runs without them; free the port "
                      "or set RESCUE_API_METRICS_PORT", settings.metrics_host, settings.api_metrics_port, exc)
    app = create_app(settings)
    status = 0
    try:
        # log_config=None: uvicorn's lines go through our handlers and filters (no query strings)
        uvicorn.run(app, host=settings.api_host, port=settings.api_port, log_level="info",
                    log_config=None, access_log=settings.access_log)
    except Exception:
        status = 1
    os._exit(status)


if __name__ == "__main__":
    main()
