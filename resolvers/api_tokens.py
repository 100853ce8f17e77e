"""API tokens: admins create, list and revoke them (the rules are in services.api_tokens)."""

from __future__ import annotations

from models import Role
from resolvers.node import node_fetcher
from resolvers.outcomes import outcome, principal_of
from schema.context import Info
from schema.errors import forbidden
from schema.ids import from_global_id
from schema.types.api_tokens import (
    ApiToken,
    ApiTokenCreated,
    ApiTokenRevoked,
    CreateApiTokenInput,
    CreateApiTokenResult,
    RevokeApiTokenResult,
)
from schema.types.refusal import Refused
from services import api_tokens
from subscriptions import hub


async def create_api_token(info: Info, input: CreateApiTokenInput) -> CreateApiTokenResult:
    principal = principal_of(info)
    return await outcome(
        info,
        api_tokens.create(
            principal,
            name=input.name,
            publisher=input.publisher,
            scopes=[s.value for s in input.scopes],
            expires_at=input.expires_at,
            events=hub.publisher(),
        ),
        lambda issued: ApiTokenCreated(
            token=ApiToken.from_model(issued.token), secret=issued.secret
        ),
    )


async def revoke_api_token(info: Info, token_id: str) -> RevokeApiTokenResult:
    principal = principal_of(info)
    type_name, pk = from_global_id(token_id)
    if type_name != "ApiToken":
        return Refused.of(api_tokens.API_TOKEN_NOT_FOUND, info.context.locale)
    return await outcome(
        info,
        api_tokens.revoke(principal, pk, events=hub.publisher()),
        lambda row: ApiTokenRevoked(token=ApiToken.from_model(row)),
    )


async def viewer_api_tokens(info: Info) -> list[ApiToken]:
    principal = principal_of(info)
    if principal.role is not Role.ADMIN:
        raise forbidden()
    return [ApiToken.from_model(row) for row in await api_tokens.tokens(principal)]


@node_fetcher("ApiToken")
async def api_token_node(info: Info, pk: int) -> ApiToken | None:
    row = await api_tokens.token(principal_of(info), pk)
    return ApiToken.from_model(row) if row else None
