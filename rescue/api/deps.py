"""Dependencies of the endpoints, as Annotated aliases (the context, the caller)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from rescue.api.context import AppContext
from rescue.api.errors import ApiError
from rescue.db.users_repo import UserRecord, get_user_by_id
from rescue.security import read_token


def get_context(request: Request) -> AppContext:
    return request.app.state.context


Ctx = Annotated[AppContext, Depends(get_context)]

_bearer = HTTPBearer(auto_error=False)


async def current_user(
    ctx: Ctx, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> UserRecord:
    """The logged-in user from the bearer token; 401 with a clear message otherwise."""
    unauthorized = ApiError(401, "unauthorized", "请先登录（缺少或无效的访问令牌）",
                            headers={"WWW-Authenticate": "Bearer"})
    if credentials is None:
        raise unauthorized
    user_id = read_token(credentials.credentials, secret=ctx.settings.resolved_jwt_secret())
    if user_id is None:
        raise unauthorized
    async with ctx.pool.acquire() as conn:
        user = await get_user_by_id(conn, user_id=uuid.UUID(user_id))
    if user is None or not user.active:
        raise unauthorized
    return user


CurrentUser = Annotated[UserRecord, Depends(current_user)]


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None
