"""Registered queries: admins register, list and remove them, and switch their tokens to
registered queries only (the rules are in services.registered_queries)."""

from __future__ import annotations

from resolvers.node import node_fetcher
from resolvers.outcomes import outcome, principal_of
from schema.context import Info
from schema.errors import forbidden
from schema.ids import from_global_id
from schema.types.registered_queries import (
    QueryRegistered,
    RegisteredQuery,
    RegisterQueryInput,
    RegisterQueryResult,
)
from services import registered_queries
from services.errors import AccessDenied


async def register_query(info: Info, input: RegisterQueryInput) -> RegisterQueryResult:
    principal = principal_of(info)
    return await outcome(
        info,
        registered_queries.register_query(
            principal, info.schema._schema, input.name, input.document
        ),
        lambda row: QueryRegistered(registered_query=RegisteredQuery.from_model(row)),
    )


async def unregister_query(info: Info, query_id: str) -> bool:
    principal = principal_of(info)
    type_name, pk = from_global_id(query_id)
    if type_name != "RegisteredQuery":
        return False
    try:
        return await registered_queries.unregister_query(principal, pk)
    except AccessDenied:
        raise forbidden() from None


async def set_tokens_registered_queries_only(info: Info, enabled: bool) -> bool:
    try:
        return await registered_queries.set_tokens_registered_queries_only(
            principal_of(info), enabled
        )
    except AccessDenied:
        raise forbidden() from None


async def viewer_registered_queries(info: Info) -> list[RegisteredQuery]:
    try:
        rows = await registered_queries.registered_queries(principal_of(info))
    except AccessDenied:
        raise forbidden() from None
    return [RegisteredQuery.from_model(row) for row in rows]


async def viewer_tokens_registered_queries_only(info: Info) -> bool:
    try:
        return await registered_queries.tokens_registered_queries_only(principal_of(info))
    except AccessDenied:
        raise forbidden() from None


@node_fetcher("RegisteredQuery")
async def registered_query_node(info: Info, pk: int) -> RegisteredQuery | None:
    row = await registered_queries.registered_query(principal_of(info), pk)
    return RegisteredQuery.from_model(row) if row else None
