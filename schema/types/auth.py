"""Results of login and password change."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.types.account import User
from schema.types.refusal import Refused


@strawberry.input
class LoginInput:
    organisation: str = strawberry.field(description="The organisation's slug, e.g. `hoera`.")
    email: str
    password: str


@strawberry.type
class LoginSuccess:
    token: str = strawberry.field(description="Send as `Authorization: Bearer <token>`.")
    expires_at: str
    user: User


@strawberry.input
class ChangePasswordInput:
    old_password: str
    new_password: str


@strawberry.type
class PasswordChanged:
    other_sessions_revoked: bool


LoginResult = Annotated[LoginSuccess | Refused, strawberry.union("LoginResult")]
ChangePasswordResult = Annotated[
    PasswordChanged | Refused, strawberry.union("ChangePasswordResult")
]
