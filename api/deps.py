"""Dependencies of the endpoints, as Annotated aliases (the context, the caller).

Every JSON endpoint that touches data depends on :data:`CurrentUser`: the bearer token must
name a live server-side session (see ``gate``), else 401.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.auth.gate import session_user
from api.context import AppContext
from db.users_repo import UserRecord
from rescue.security import TokenClaims


async def get_context(request: Request) -> AppContext:
    """The app's context. A coroutine on purpose: FastAPI runs a plain ``def`` dependency in
    its thread pool, a hand-off to a worker thread and back on every request (under load the
    two context switches cost milliseconds)."""
    return request.app.state.context


Ctx = Annotated[AppContext, Depends(get_context)]

_bearer = HTTPBearer(auto_error=False)


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


@dataclass(frozen=True)
class ApiSession:
    """The caller and the session their token names."""

    user: UserRecord
    claims: TokenClaims


async def current_session(
    ctx: Ctx, request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> ApiSession:
    """The live session of the bearer token; 401 with a clear message otherwise."""
    token = credentials.credentials if credentials else None
    user, claims = await session_user(ctx, token, client_address(request))
    return ApiSession(user=user, claims=claims)


async def current_user(session: Annotated[ApiSession, Depends(current_session)]) -> UserRecord:
    """The logged-in user from the bearer token; 401 with a clear message otherwise."""
    return session.user


CurrentSession = Annotated[ApiSession, Depends(current_session)]
CurrentUser = Annotated[UserRecord, Depends(current_user)]
