"""Invitations and password reset: parse, call the service, map the outcome."""

from __future__ import annotations

from resolvers.outcomes import outcome, principal_of
from schema.context import Info
from schema.ids import pk_of
from schema.types.account import User
from schema.types.auth import LoginSuccess
from schema.types.invitations import (
    AcceptInvitationInput,
    AcceptInvitationResult,
    InviteParentInput,
    InviteParentResult,
    ParentInvited,
    PasswordReset,
    PasswordResetRequested,
    RequestPasswordResetInput,
    RequestPasswordResetResult,
    ResetPasswordInput,
    ResetPasswordResult,
)
from services import invitations

RESET_ANSWER = {
    "nl": "Als dit adres een account heeft, krijg je binnen enkele minuten een mail met een link.",
    "en": "If this address has an account, you will receive a mail with a link within minutes.",
}


def _user_agent(info: Info) -> str:
    request = info.context.request
    return request.headers.get("user-agent", "") if request else ""


async def invite_parent(info: Info, data: InviteParentInput) -> InviteParentResult:
    principal = principal_of(info)
    child_ids = [pk_of(str(cid), "Child") for cid in data.child_ids]
    call = invitations.invite_parent(
        principal,
        email=data.email,
        first_name=data.first_name,
        last_name=data.last_name,
        child_ids=child_ids,
        locale=data.locale,
    )
    return await outcome(
        info,
        call,
        lambda r: ParentInvited(
            user=User.from_model(r.user), expires_at=r.expires_at, reused_account=r.reused_account
        ),
    )


def _login(granted) -> LoginSuccess:
    return LoginSuccess(
        token=granted.token, expires_at=granted.expires_at_iso, user=User.from_model(granted.user)
    )


async def accept_invitation(info: Info, data: AcceptInvitationInput) -> AcceptInvitationResult:
    call = invitations.accept_invitation(
        data.token,
        data.password,
        client_address=info.context.client_address,
        user_agent=_user_agent(info),
    )
    return await outcome(info, call, _login)


async def request_password_reset(
    info: Info, data: RequestPasswordResetInput
) -> RequestPasswordResetResult:
    call = invitations.request_password_reset(
        organisation_slug=data.organisation,
        email=data.email,
        client_address=info.context.client_address,
    )
    locale = "en" if info.context.locale.startswith("en") else "nl"
    return await outcome(info, call, lambda _: PasswordResetRequested(message=RESET_ANSWER[locale]))


async def reset_password(info: Info, data: ResetPasswordInput) -> ResetPasswordResult:
    call = invitations.reset_password(data.token, data.password)
    return await outcome(info, call, lambda n: PasswordReset(sessions_revoked=n))
