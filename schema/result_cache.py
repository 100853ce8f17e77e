"""The result cache in the request: which documents may be cached, and the extension that
answers from it or fills it (the rules: services.result_cache; README "Performance").

Only queries of a parent signed in with a session, only documents made entirely of the
fields in `CACHEABLE` (what only events of the organisation, the parent's visible
children and the time can change: nothing that depends on a date argument, the request
or a time window beyond RESULT_CACHE_SECONDS), only answers without errors. The decision
is made once per document. It runs after QueryCostLimiter, so a hit is still charged to
the caller's budget and still carries `extensions.cost`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    get_named_type,
    visit,
)
from graphql import ExecutionResult as GraphQLExecutionResult
from starlette.responses import Response
from strawberry.extensions import SchemaExtension

import settings
from schema.context import Context
from services import clock
from services.result_cache import ResultCache, cache_key, document_hash

# Type -> fields whose values only recorded events (and the time, within the TTL) change.
# Left out on purpose: anything with a date argument or a window in time (agenda,
# availableTimes, absencePlanning, closureDays, credits, diary edit rights `canEdit`),
# upload tickets, tokens, counters read or written per request.
CACHEABLE: dict[str, frozenset[str]] = {
    name: frozenset(fields.split())
    for name, fields in {
        "Query": "viewer",
        "Viewer": "user children",
        "User": "id firstName lastName name",
        "ChildConnection": "edges pageInfo",
        "ChildEdge": "cursor node",
        "PageInfo": "hasNextPage hasPreviousPage startCursor endCursor",
        "Child": "id firstName lastName birthDate placements mentor timeline",
        "Placement": "id careType weeklySchedule startDate endDate group",
        "ScheduleDay": "weekday start end",
        "Group": "id name careType location",
        "Location": "id name phone",
        "StaffMember": "id firstName lastName name photo",
        "TimelineItemConnection": "edges pageInfo",
        "TimelineItemEdge": "cursor node",
        "PhotoPost": "id caption postedAt author group media children",
        "Media": "id kind contentType width height url thumbnailUrl downloadUrl",
    }.items()
}

_DECISIONS: dict[str, bool] = {}
_DECISIONS_MAX = 1024
CACHE = ResultCache(
    seconds=settings.RESULT_CACHE_SECONDS,
    entries=settings.RESULT_CACHE_ENTRIES,
    max_bytes=settings.RESULT_CACHE_BYTES,
)
HEADER = "X-Result-Cache"


class _Fields(Visitor):
    def __init__(self, type_info: TypeInfo) -> None:
        super().__init__()
        self.type_info = type_info
        self.cacheable = True

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> Any:
        if node.operation is not OperationType.QUERY:
            self.cacheable = False
            return Visitor.BREAK
        return None

    def enter_field(self, node: FieldNode, *_: Any) -> Any:
        name = node.name.value
        if name == "__typename":
            return None
        parent = self.type_info.get_parent_type()
        allowed = CACHEABLE.get(get_named_type(parent).name) if parent else None
        if allowed is None or name not in allowed:
            self.cacheable = False
            return Visitor.BREAK
        return None


def is_cacheable(schema: GraphQLSchema, document: DocumentNode) -> bool:
    """Every operation a query, every field (in fragments too) in CACHEABLE."""
    type_info = TypeInfo(schema)
    fields = _Fields(type_info)
    visit(document, TypeInfoVisitor(type_info, fields))
    return fields.cacheable


def cacheable_document(schema: GraphQLSchema, document: DocumentNode, digest: str) -> bool:
    decided = _DECISIONS.get(digest)
    if decided is None:
        if len(_DECISIONS) >= _DECISIONS_MAX:
            _DECISIONS.clear()
        decided = _DECISIONS[digest] = is_cacheable(schema, document)
    return decided


def clear() -> None:
    """Forget every answer (tests: ids repeat after a clean database)."""
    CACHE.clear()


class ResultCacheExtension(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        ec = self.execution_context
        context = ec.context
        signed_in = context.authenticated if isinstance(context, Context) else None
        if (
            not settings.RESULT_CACHE
            or ec.result is not None  # refused before execution (cost, budget)
            or signed_in is None
            or signed_in.visible_child_ids is None  # parents only
            or context.principal is None
            or context.principal.session_id is None
            or ec.query is None
            or ec.graphql_document is None
        ):
            yield
            return
        digest = document_hash(ec.query)
        if not cacheable_document(ec.schema._schema, ec.graphql_document, digest):
            yield
            return
        key = cache_key(
            session_id=context.principal.session_id,
            organisation_id=signed_in.organisation.id,
            document=digest,
            operation_name=ec.operation_name,
            variables=ec.variables,
            locale=context.locale,
            visible_child_ids=signed_in.visible_child_ids,
        )
        watermark = signed_in.event_watermark
        data = CACHE.get(key, watermark)
        if data is not None:
            ec.result = GraphQLExecutionResult(data=data, errors=None)
            _mark(context, "hit")
            yield
            return
        computed_at = clock.now()
        yield
        result = ec.result
        if isinstance(result, GraphQLExecutionResult) and not result.errors and result.data:
            CACHE.put(key, result.data, watermark, computed_at)
        _mark(context, "miss")


def _mark(context: Context, outcome: str) -> None:
    if isinstance(context.response, Response):
        context.response.headers[HEADER] = outcome
