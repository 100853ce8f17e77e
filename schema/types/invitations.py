"""Invitations of parents, accepting them, and password reset."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from schema.types.account import User
from schema.types.auth import LoginSuccess
from schema.types.refusal import Refused


@strawberry.input
class InviteParentInput:
    email: str
    first_name: str
    last_name: str
    child_ids: list[strawberry.ID]
    locale: str = strawberry.field(default="nl", description="`nl` or `en`: the mail's language.")


@strawberry.type
class ParentInvited:
    user: User
    expires_at: datetime = strawberry.field(description="Until when the link in the mail works.")
    reused_account: bool = strawberry.field(
        description="The address already had a parent account: it was linked, not created."
    )


@strawberry.input
class AcceptInvitationInput:
    token: str
    password: str


@strawberry.input
class RequestPasswordResetInput:
    organisation: str = strawberry.field(description="The organisation's slug, e.g. `hoera`.")
    email: str


@strawberry.type(description="Always the same answer, whether or not the address has an account.")
class PasswordResetRequested:
    message: str


@strawberry.input
class ResetPasswordInput:
    token: str
    password: str


@strawberry.type
class PasswordReset:
    sessions_revoked: int = strawberry.field(description="Sessions that were logged out.")


InviteParentResult = Annotated[ParentInvited | Refused, strawberry.union("InviteParentResult")]
AcceptInvitationResult = Annotated[
    LoginSuccess | Refused, strawberry.union("AcceptInvitationResult")
]
RequestPasswordResetResult = Annotated[
    PasswordResetRequested | Refused, strawberry.union("RequestPasswordResetResult")
]
ResetPasswordResult = Annotated[PasswordReset | Refused, strawberry.union("ResetPasswordResult")]
