"""Login, logout and password change: map service outcomes to GraphQL results."""

from __future__ import annotations

from schema.context import Info
from schema.errors import unauthenticated
from schema.types.account import User
from schema.types.auth import ChangePasswordResult, LoginResult, LoginSuccess, PasswordChanged
from schema.types.refusal import Refused
from services import auth
from services.errors import RefusedError


async def login(info: Info, organisation: str, email: str, password: str) -> LoginResult:
    request = info.context.request
    try:
        granted = await auth.login(
            organisation_slug=organisation,
            email=email,
            password=password,
            client_address=info.context.client_address,
            user_agent=request.headers.get("user-agent", "") if request else "",
        )
    except RefusedError as refused:
        return Refused.of(refused.refusal, info.context.locale)
    return LoginSuccess(
        token=granted.token, expires_at=granted.expires_at_iso, user=User.from_model(granted.user)
    )


async def logout(info: Info) -> bool:
    if info.context.principal is None:
        raise unauthenticated()
    await auth.logout(info.context.principal)
    return True


async def change_password(info: Info, old_password: str, new_password: str) -> ChangePasswordResult:
    principal = info.context.principal
    if principal is None:
        raise unauthenticated()
    try:
        await auth.change_password(principal, old_password=old_password, new_password=new_password)
    except RefusedError as refused:
        return Refused.of(refused.refusal, info.context.locale)
    return PasswordChanged(other_sessions_revoked=True)
