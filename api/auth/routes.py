"""Login, logout and password change over JSON: the OAuth2 password form gives a bearer token
bound to a server-side session (idle and absolute timeouts, lockout after repeated failures)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, Field

from api.auth import gate
from api.context import AppContext
from api.deps import Ctx, CurrentSession, CurrentUser, client_address
from domain.enums import Role, label

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    """Seconds until the absolute timeout; the session also ends after the idle timeout."""


class MeResponse(BaseModel):
    user_id: str
    username: str
    display_name: str
    role: Role
    role_label: str
    node_id: str
    node_name: str


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=256, description="当前密码")
    new_password: str = Field(min_length=1, max_length=256,
                              description="新密码：至少10位，须同时包含字母和数字")


async def authenticate(ctx: AppContext, username: str, password: str, client: str | None,
                       kind: str = "api") -> str:
    """Check a password and return a token for a new session; audited either way."""
    return (await gate.log_in(ctx, username, password, client, kind)).token


@router.post("/token", response_model=TokenResponse,
             responses={401: {"description": "invalid_credentials"},
                        423: {"description": "account_locked"}})
async def login(ctx: Ctx, request: Request,
                form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> TokenResponse:
    """Exchange a username and password for a bearer token (a new session). After
    ``RESCUE_LOGIN_MAX_FAILURES`` failures in a row the username is locked (423)."""
    done = await gate.log_in(ctx, form.username, form.password, client_address(request), "api")
    return TokenResponse(access_token=done.token, expires_in=done.expires_in)


@router.post("/logout", status_code=204)
async def logout(ctx: Ctx, session: CurrentSession, request: Request) -> Response:
    """End the token's session: the token stops working at once (401 session_revoked)."""
    await gate.log_out(ctx, session.user, session.claims, client_address(request))
    return Response(status_code=204)


@router.post("/password", status_code=204,
             responses={403: {"description": "invalid_credentials"},
                        422: {"description": "weak_password"}})
async def change_password(ctx: Ctx, session: CurrentSession, body: PasswordChange,
                          request: Request) -> Response:
    """Change one's own password (policy: ≥ 10 characters, letters and digits, not the
    username); every other session of the user ends."""
    await gate.change_password(ctx, session.user, session.claims, current=body.current_password,
                               new=body.new_password, client=client_address(request))
    return Response(status_code=204)


@router.get("/me", response_model=MeResponse)
async def me(user: CurrentUser) -> MeResponse:
    """Who the token belongs to: name, role and network node (the console's header)."""
    return MeResponse(user_id=str(user.user_id), username=user.username,
                      display_name=user.display_name, role=user.role, role_label=label(user.role),
                      node_id=user.node_id, node_name=user.node_name)
