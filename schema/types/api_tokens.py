"""API tokens for dashboards (admins only), and the mutations' inputs and results."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from models import ApiToken as ApiTokenModel
from schema.context import Info
from schema.ids import to_global_id
from schema.relay import Node
from schema.types.account import User
from schema.types.refusal import Refused
from schema.types.scopes import ApiScope
from services import clock


@strawberry.type(
    description="A read-only token a dashboard calls the API with (admins see them). The "
    "secret itself is never shown again after `createApiToken`: only its `prefix`."
)
class ApiToken(Node):
    pk: strawberry.Private[int]
    organisation_pk: strawberry.Private[int]
    created_by_pk: strawberry.Private[int | None]
    name: str
    publisher: str
    scopes: list[ApiScope]
    prefix: str = strawberry.field(description="The first characters of the token, `olk_…`.")
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None = strawberry.field(
        description="Last request with this token (to the minute)."
    )
    revoked_at: datetime | None

    @classmethod
    def from_model(cls, row: ApiTokenModel) -> ApiToken:
        return cls(
            id=strawberry.ID(to_global_id("ApiToken", row.id)),
            pk=row.id,
            organisation_pk=row.organisation_id,  # type: ignore[attr-defined]
            created_by_pk=row.created_by_id,  # type: ignore[attr-defined]
            name=row.name,
            publisher=row.publisher,
            scopes=[ApiScope.of(s) for s in row.scopes if s in ApiScope._value2member_map_],
            prefix=row.prefix,
            created_at=row.created_at,
            expires_at=row.expires_at,
            last_used_at=row.last_used_at,
            revoked_at=row.revoked_at,
        )

    @strawberry.field(description="Not revoked and not expired.")
    def active(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > clock.now()

    @strawberry.field(description="The admin who created it; null when that account is gone.")
    async def created_by(self, info: Info) -> User | None:
        if self.created_by_pk is None:
            return None
        user = await info.context.loaders.user_by_id.load(self.created_by_pk)
        if user is None or user.organisation_id != self.organisation_pk:  # type: ignore[attr-defined]
            return None
        return User.from_model(user)


@strawberry.input
class CreateApiTokenInput:
    name: str = strawberry.field(description="What the token is for, 1 to 100 characters.")
    scopes: list[ApiScope] = strawberry.field(description="At least one.")
    publisher: str = strawberry.field(
        default="", description="Who makes the dashboard (at most 100 characters)."
    )
    expires_at: datetime | None = strawberry.field(
        default=None,
        description="In the future and at most two years ahead; a year from now when left "
        "out. A time without an offset is read as UTC.",
    )


@strawberry.type(description="The new token. `secret` is shown this once: store it now.")
class ApiTokenCreated:
    token: ApiToken
    secret: str = strawberry.field(
        description="The bearer token for the dashboard (`Authorization: Bearer olk_…`). "
        "Only its hash is stored: it cannot be shown again."
    )


@strawberry.type
class ApiTokenRevoked:
    token: ApiToken


CreateApiTokenResult = Annotated[
    ApiTokenCreated | Refused, strawberry.union("CreateApiTokenResult")
]
RevokeApiTokenResult = Annotated[
    ApiTokenRevoked | Refused, strawberry.union("RevokeApiTokenResult")
]
