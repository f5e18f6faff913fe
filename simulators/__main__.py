"""Run one agency simulator: ``python -m simulators police --port 8101``."""

from __future__ import annotations

import argparse

import uvicorn
from pydantic import ValidationError

from simulators import AGENCIES, create_simulator_app
from simulators.common import SimulatorConfig
from simulators.faults import FaultConfig

DEFAULT_PORTS = {"police": 8101, "hospital": 8102, "transport": 8103}
_DEFAULTS = SimulatorConfig()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m simulators", description="Run an agency simulator."
    )
    parser.add_argument("agency", choices=AGENCIES)
    parser.add_argument(
        "--port", type=int, help="default: 8101 police, 8102 hospital, 8103 transport"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--failure-rate", type=float, default=0.0)
    parser.add_argument("--failure-mode", choices=("before", "after"), default="before")
    parser.add_argument("--down", action="store_true", help="answer 503 to everything but /admin")
    parser.add_argument("--api-key", default=_DEFAULTS.api_key)
    parser.add_argument("--admin-token", default=_DEFAULTS.admin_token)
    parser.add_argument("--seed", type=int, default=_DEFAULTS.seed)
    parser.add_argument("--callback-url", default=None, help="rescue API base URL for callbacks")
    parser.add_argument("--callback-key", default=None, help="sent as X-Agency-Key on callbacks")
    parser.add_argument(
        "--auto-dna-result-after-ms",
        type=int,
        default=None,
        help="police: send a DNA result this long after each sample (default: never)",
    )
    parser.add_argument(
        "--auto-dna-match", action="store_true", help="police: automatic DNA results match"
    )
    return parser


def config_from_args(args: argparse.Namespace) -> SimulatorConfig:
    """Validate the flags through the models, so bad values fail at start-up."""
    faults = FaultConfig(
        latency_ms=args.latency_ms,
        failure_rate=args.failure_rate,
        failure_mode=args.failure_mode,
        down=args.down,
    )
    return SimulatorConfig(
        api_key=args.api_key,
        admin_token=args.admin_token,
        faults=faults,
        seed=args.seed,
        callback_url=args.callback_url,
        callback_key=args.callback_key,
        auto_dna_result_after_ms=args.auto_dna_result_after_ms,
        auto_dna_match=args.auto_dna_match,
    )


def main(argv: list[str] | None = None) -> None:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        config = config_from_args(args)
    except ValidationError as exc:
        parser.error(str(exc))
    app = create_simulator_app(args.agency, config)
    port = args.port or DEFAULT_PORTS[args.agency]
    uvicorn.run(app, host=args.host, port=port, log_level="info")


if __name__ == "__main__":
    main()
