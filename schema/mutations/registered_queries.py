"""Mutations for registered queries (admins only)."""

from __future__ import annotations

import strawberry

from resolvers import registered_queries as registered_query_resolvers
from schema.context import Info
from schema.permissions import IsAdmin
from schema.types.registered_queries import RegisterQueryInput, RegisterQueryResult


@strawberry.type
class RegisteredQueryMutations:
    @strawberry.mutation(
        permission_classes=[IsAdmin],
        description="Register a query document for the organisation's API tokens (checked "
        "against the schema; queries only). Refused: NAME_INVALID, DOCUMENT_TOO_LONG, "
        "INVALID_DOCUMENT, ONLY_QUERIES, ALREADY_REGISTERED, TOO_MANY_QUERIES.",
    )
    async def register_query(self, info: Info, input: RegisterQueryInput) -> RegisterQueryResult:
        return await registered_query_resolvers.register_query(info, input)

    @strawberry.mutation(
        permission_classes=[IsAdmin],
        description="Remove a registered query; false when there is no such query.",
    )
    async def unregister_query(self, info: Info, id: strawberry.ID) -> bool:
        return await registered_query_resolvers.unregister_query(info, id)

    @strawberry.mutation(
        permission_classes=[IsAdmin],
        description="Allow the organisation's API tokens registered queries only (true) or "
        "any query (false); returns the new setting. Users are not affected.",
    )
    async def set_tokens_registered_queries_only(self, info: Info, enabled: bool) -> bool:
        return await registered_query_resolvers.set_tokens_registered_queries_only(info, enabled)
