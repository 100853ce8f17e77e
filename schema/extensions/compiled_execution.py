"""Runs a compiled plan (schema.compiled_query) instead of graphql-core, for the documents the
result cache may keep (the home screen: schema.result_cache.CACHEABLE) of a signed-in user.

It runs after the cost limiter and the result cache: a refused request or a cached answer
never gets here, and a computed answer is cached as before. When the plan cannot answer
(`Fallback`: an error, something not loaded yet) graphql-core executes the request.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension

import settings
from schema.compiled_query import Fallback, Plan, compile_query
from schema.context import Context
from schema.result_cache import cacheable_document
from services.result_cache import document_hash

_PLANS: dict[tuple[str, str | None], Plan | None] = {}
_PLANS_MAX = 512


@dataclass(slots=True)
class Counters:
    answered: int = 0
    fell_back: int = 0


counters = Counters()


class CompiledExecution(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        ec = self.execution_context
        context = ec.context
        if (
            settings.COMPILED_QUERIES
            and ec.result is None
            and isinstance(context, Context)
            and context.principal is not None
            and ec.query is not None
            and ec.graphql_document is not None
        ):
            plan = _plan(ec.schema._schema, ec.graphql_document, ec.query, ec.operation_name)
            if plan is not None:
                try:
                    data = await plan.run(ec.schema._schema, context, ec.root_value, ec.variables)
                except Fallback:
                    counters.fell_back += 1
                else:
                    counters.answered += 1
                    ec.result = GraphQLExecutionResult(data=data, errors=None)
        yield


def _plan(schema, document, query: str, operation_name: str | None) -> Plan | None:
    digest = document_hash(query)
    key = (digest, operation_name)
    if key not in _PLANS:
        if len(_PLANS) >= _PLANS_MAX:
            _PLANS.clear()
        cacheable = cacheable_document(schema, document, digest)
        _PLANS[key] = compile_query(schema, document, operation_name) if cacheable else None
    return _PLANS[key]
