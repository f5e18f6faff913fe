"""Password hashing (argon2), the password policy, and bearer tokens (JWT, HS256) that name a
server-side session, for users of the API and the console."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

_hasher = PasswordHasher()
# Verified against when the username is unknown, so timing does not reveal which users exist.
_DUMMY_HASH = _hasher.hash("not-a-real-password")

PASSWORD_MAX_LENGTH = 128
"""Longer input is refused before hashing (argon2 would accept it, but nobody types it)."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; always spends the same work, even for unknown users."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def password_problems(password: str, *, min_length: int = 10, username: str | None = None) -> list[str]:
    """What is wrong with a new password, in Chinese (empty when it satisfies the policy):
    at least ``min_length`` characters, letters and digits, not the username, not common."""
    problems = []
    if len(password) < min_length:
        problems.append(f"密码至少{min_length}位")
    if len(password) > PASSWORD_MAX_LENGTH:
        problems.append(f"密码不能超过{PASSWORD_MAX_LENGTH}位")
    if not re.search(r"[A-Za-z]", password) or not re.search(r"\d", password):
        problems.append("密码须同时包含字母和数字")
    if username and username.lower() in password.lower():
        problems.append("密码不能包含用户名")
    if not problems and is_common(password, username):
        problems.append("密码过于常见或容易猜到（如常用密码、键盘序列、年份），请换一个")
    return problems


COMMON_SCORE_BELOW = 3
"""zxcvbn's score (0–4) under which a password counts as common or guessable: 3 is "safely
unguessable" against an online attack, what a login page faces."""


def is_common(password: str, username: str | None = None) -> bool:
    """Whether the password is in zxcvbn's lists of common passwords, words and names, or is a
    keyboard walk, a date or a repetition that is guessed quickly."""
    result = zxcvbn(password[:PASSWORD_MAX_LENGTH], user_inputs=[username] if username else [])
    return int(result["score"]) < COMMON_SCORE_BELOW


@dataclass(frozen=True)
class TokenClaims:
    """What a valid token says: whose it is and which server-side session it belongs to."""

    user_id: str
    session_id: str


def issue_token(*, user_id: str, session_id: str, secret: str, ttl: timedelta) -> str:
    """A signed token for a session; the session row, not the token, decides if it is live."""
    now = datetime.now(UTC)
    claims = {"sub": user_id, "sid": session_id, "iat": now, "exp": now + ttl}
    return jwt.encode(claims, secret, algorithm="HS256")


_VERIFIED: dict[tuple[str, str], tuple[TokenClaims, float]] = {}
"""Tokens whose signature was checked, with their expiry: a session's token comes with every
request, and verifying it again each time was 5 % of the API's CPU under load (issue 13). The
session row still decides on every request whether the session is live."""
_VERIFIED_MAX = 10_000


def read_token(token: str, *, secret: str) -> TokenClaims | None:
    """The claims of a valid, unexpired token that names a session, or None."""
    known = _VERIFIED.get((token, secret))
    if known is not None:
        if known[1] > datetime.now(UTC).timestamp():
            return known[0]
        _VERIFIED.pop((token, secret), None)
    claims = _verify(token, secret)
    if claims is not None:
        if len(_VERIFIED) >= _VERIFIED_MAX:
            _VERIFIED.clear()  # a crude bound: the live sessions' tokens come back at once
        _VERIFIED[(token, secret)] = claims
        return claims[0]
    return None


def _verify(token: str, secret: str) -> tuple[TokenClaims, float] | None:
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"],
                            options={"require": ["exp", "sub", "sid"]})
    except jwt.PyJWTError:
        return None
    sub, sid, exp = claims.get("sub"), claims.get("sid"), claims.get("exp")
    if not isinstance(sub, str) or not isinstance(sid, str) or not isinstance(exp, int | float):
        return None
    return TokenClaims(user_id=sub, session_id=sid), float(exp)
