"""Login: the OAuth2 password form gives a bearer token for the API and the console."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from rescue.api.deps import Ctx, CurrentUser, client_address
from rescue.api.errors import ApiError
from rescue.db.audit_repo import record_access
from rescue.db.users_repo import get_user_by_username
from rescue.domain.enums import Role, label
from rescue.security import issue_token, verify_password

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class MeResponse(BaseModel):
    user_id: str
    username: str
    display_name: str
    role: Role
    role_label: str
    node_id: str
    node_name: str


async def authenticate(ctx: Ctx, username: str, password: str, client: str | None) -> str:
    """Check a password and return a token; the attempt is audited either way."""
    async with ctx.pool.acquire() as conn:
        user = await get_user_by_username(conn, username=username)
        ok = verify_password(user.password_hash if user else None, password) and bool(user and user.active)
        await record_access(conn, user_id=user.user_id if user else None, username=username,
                            action="login", subject=f"user:{username}", allowed=ok, client=client)
    if not ok or user is None:
        raise ApiError(401, "invalid_credentials", "用户名或密码错误",
                       headers={"WWW-Authenticate": "Bearer"})
    return issue_token(user_id=str(user.user_id), secret=ctx.settings.resolved_jwt_secret(),
                       ttl=timedelta(minutes=ctx.settings.token_ttl_minutes))


@router.post("/token", response_model=TokenResponse)
async def login(ctx: Ctx, request: Request,
                form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> TokenResponse:
    """Exchange a username and password for a bearer token."""
    token = await authenticate(ctx, form.username, form.password, client_address(request))
    return TokenResponse(access_token=token, expires_in=ctx.settings.token_ttl_minutes * 60)


@router.get("/me", response_model=MeResponse)
async def me(user: CurrentUser) -> MeResponse:
    """Who the token belongs to: name, role and network node (the console's header)."""
    return MeResponse(user_id=str(user.user_id), username=user.username,
                      display_name=user.display_name, role=user.role, role_label=label(user.role),
                      node_id=user.node_id, node_name=user.node_name)
