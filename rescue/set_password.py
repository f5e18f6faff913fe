"""``rescue set-password USERNAME``: an administrator sets a user's password. The password is
read without echo (twice) from a terminal, or one line from standard input in scripts; the
password policy applies, the user's sessions end and a lockout is lifted."""

from __future__ import annotations

import asyncio
import getpass
import sys

import asyncpg

from api.auth.gate import reset_password
from rescue.settings import Settings


def _read_password() -> str | None:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("新密码: ")
    if getpass.getpass("再次输入新密码: ") != first:
        print("两次输入的密码不一致", file=sys.stderr)
        return None
    return first


def set_password_command(settings: Settings, username: str) -> int:
    """Exit status 0 when set; 2 when the database is not configured or the policy refuses."""
    if not settings.database_url:
        print("RESCUE_DATABASE_URL is required", file=sys.stderr)
        return 2
    password = _read_password()
    if password is None:
        return 2

    async def run() -> list[str]:
        conn = await asyncpg.connect(settings.database_url)
        try:
            return await reset_password(conn, settings, username=username, new=password)
        finally:
            await conn.close()

    problems = asyncio.run(run())
    if problems:
        print("未修改：" + "；".join(problems), file=sys.stderr)
        return 2
    print(f"已为 {username} 设置新密码，其所有登录已退出")
    return 0
