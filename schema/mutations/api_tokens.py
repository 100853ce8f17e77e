"""Mutations for API tokens (admins only)."""

from __future__ import annotations

import strawberry

from resolvers import api_tokens as token_resolvers
from schema.context import Info
from schema.permissions import IsAdmin
from schema.types.api_tokens import CreateApiTokenInput, CreateApiTokenResult, RevokeApiTokenResult


@strawberry.type
class ApiTokenMutations:
    @strawberry.mutation(
        permission_classes=[IsAdmin],
        description="A read-only token for a dashboard, with scopes and an expiry. The secret "
        "is in the result this once. Refused: NAME_INVALID, PUBLISHER_TOO_LONG, NO_SCOPES, "
        "UNKNOWN_SCOPE, EXPIRY_IN_PAST, EXPIRY_TOO_FAR.",
    )
    async def create_api_token(
        self, info: Info, input: CreateApiTokenInput
    ) -> CreateApiTokenResult:
        return await token_resolvers.create_api_token(info, input)

    @strawberry.mutation(
        permission_classes=[IsAdmin],
        description="Revoke a token: it stops working at once. Refused: API_TOKEN_NOT_FOUND, "
        "ALREADY_REVOKED.",
    )
    async def revoke_api_token(self, info: Info, id: strawberry.ID) -> RevokeApiTokenResult:
        return await token_resolvers.revoke_api_token(info, id)
