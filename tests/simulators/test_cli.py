"""Start-up flags of the simulators and how the launcher passes the callback settings."""

from __future__ import annotations

from rescue.settings import Settings
from simulators.__main__ import build_parser, config_from_args
from stack.children import child_specs


def test_callback_flags_reach_the_config() -> None:
    args = build_parser().parse_args([
        "police", "--callback-url", "http://127.0.0.1:9000", "--callback-key", "k",
        "--auto-dna-result-after-ms", "500", "--auto-dna-match",
    ])
    config = config_from_args(args)
    assert (config.callback_url, config.callback_key) == ("http://127.0.0.1:9000", "k")
    assert (config.auto_dna_result_after_ms, config.auto_dna_match) == (500, True)
    default = config_from_args(build_parser().parse_args(["hospital"]))
    assert (default.callback_url, default.callback_key, default.auto_dna_result_after_ms) == (
        None, None, None)


def test_launcher_gives_each_simulator_the_api_and_its_own_key() -> None:
    settings = Settings(api_port=8123, police_callback_key="pk", hospital_callback_key="hk")
    argv = {spec.name: spec.argv for spec in child_specs(settings)}
    for agency, key in (("police", "pk"), ("hospital", "hk"),
                        ("transport", settings.transport_callback_key)):
        args = argv[agency]
        assert args[args.index("--callback-url") + 1] == "http://127.0.0.1:8123"
        assert args[args.index("--callback-key") + 1] == key
