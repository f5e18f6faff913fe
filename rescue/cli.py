"""The ``rescue`` command: ``up`` (the whole system), ``demo``, ``worker``, ``api``, ``migrate``,
``fit-matching``, ``rekey-reports``, ``backup`` and ``restore``."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from rescue.settings import Settings, load_settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="rescue", description="救助管理系统 rescue management system")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("up", help="start everything on this machine (Ctrl-C stops it)")
    demo = sub.add_parser("demo", help="drive one case from report to closed over the API")
    demo.add_argument("path", nargs="?", default="happy",
                      help="happy, minor-escort, dna, treatment, psychiatric, long-term, "
                           "never-arrived, departure, lost-contact, or all")
    demo.add_argument("--api", help="API base URL (default: from settings)")
    sub.add_parser("worker", help="run the Temporal worker")
    sub.add_parser("api", help="serve the API and console")
    sub.add_parser("migrate", help="apply migrations and load the demo network")
    set_password = sub.add_parser("set-password", help="set a user's password (policy applies)")
    set_password.add_argument("username")
    fit = sub.add_parser("fit-matching", help="fit family search's m and u on the confirmed pairs")
    fit.add_argument("--out", help="where to write (default domain/matching/parameters.json)")
    sub.add_parser("rekey-reports", help="file every missing-person report again under the current blocking keys")
    backup = sub.add_parser("backup", help="back up PostgreSQL, the Temporal data and the keys")
    backup.add_argument("target", nargs="?",
                        help="new directory (default <data dir>/backups/<time>)")
    restore = sub.add_parser("restore", help="restore a backup into a fresh data directory")
    restore.add_argument("source", help="a directory written by `rescue backup`")
    args = parser.parse_args(argv)
    settings = load_settings()

    if args.command == "up":
        from stack.up import run_up

        status = asyncio.run(run_up(settings))
    elif args.command == "demo":
        from rescue.demo import PATHS, run_demo

        paths = list(PATHS) if args.path == "all" else [args.path]
        status = 0
        for path in paths:
            print(f"=== {path} ===", flush=True)
            status = asyncio.run(run_demo(settings, api_url=args.api, path=path)) or status
    elif args.command == "worker":
        from worker import main as worker_main

        worker_main()
        return
    elif args.command == "set-password":
        from rescue.set_password import set_password_command

        status = set_password_command(settings, args.username)
    elif args.command == "fit-matching":
        from pathlib import Path

        from rescue.fit_matching import fit_matching_command

        status = fit_matching_command(settings, Path(args.out) if args.out else None)
    elif args.command == "rekey-reports":
        from rescue.fit_matching import rekey_reports_command

        status = rekey_reports_command(settings)
    elif args.command in ("backup", "restore"):
        status = _backup_or_restore(settings, args)
    elif args.command == "api":
        from api.__main__ import main as api_main

        api_main()
        return
    else:
        from db.migrate import apply_migrations
        from db.seed import load_demo

        if not settings.database_url:
            print("RESCUE_DATABASE_URL is required", file=sys.stderr)
            sys.exit(2)

        async def _migrate() -> None:
            await apply_migrations(settings.database_url or "")
            await load_demo(settings.database_url or "", settings)

        asyncio.run(_migrate())
        status = 0
    sys.stdout.flush()
    sys.stderr.flush()
    # A process that ran Temporal clients may abort at interpreter exit (SDK issue).
    os._exit(status)


def _backup_or_restore(settings: Settings, args: argparse.Namespace) -> int:
    """``rescue backup [TARGET]`` / ``rescue restore SOURCE``: print what was done."""
    import json
    from datetime import datetime
    from pathlib import Path

    from stack.backup import RestoreRefused, backup, restore

    try:
        if args.command == "backup":
            target = Path(args.target) if args.target else (
                settings.data_dir / "backups" / datetime.now().strftime("%Y%m%d-%H%M%S"))
            manifest = asyncio.run(backup(settings, target))
            print(f"备份完成 / backup written to {target.resolve()}")
        else:
            manifest = asyncio.run(restore(settings, Path(args.source)))
            print(f"恢复完成 / restored into {settings.data_dir.resolve()}")
    except (RestoreRefused, FileNotFoundError, FileExistsError, RuntimeError) as err:
        print(f"失败 / failed: {err}", file=sys.stderr)
        return 1
    print(json.dumps(manifest, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    main()
