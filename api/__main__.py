"""``python -m api``: serve the API and console with uvicorn on the configured port."""

from __future__ import annotations

import os

import uvicorn

from api.app import create_app
from rescue.settings import load_settings


def main() -> None:
    settings = load_settings()
    app = create_app(settings)
    status = 0
    try:
        uvicorn.run(app, host=settings.api_host, port=settings.api_port, log_level="info")
    except Exception:
        status = 1
    os._exit(status)


if __name__ == "__main__":
    main()
