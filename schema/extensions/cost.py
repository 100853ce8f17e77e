"""Cost limits and budgets, after validation and before execution.

Every query and mutation gets its cost from `services.query_cost`. Above MAX_QUERY_COST it is
refused (`QUERY_TOO_COSTLY`) without touching the database; otherwise its cost is taken from
the caller's budget (`services.rate_budget`) and refused with `BUDGET_EXHAUSTED`,
`retryAfterSeconds` and an HTTP `Retry-After` header when the budget is short. The response's
`extensions.cost` says what the query cost and what is left, in Shopify's shape. Subscriptions
are not charged here: the live machinery bounds them per connection.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from graphql import ExecutionResult as GraphQLExecutionResult
from starlette.responses import Response
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

import settings
from schema.context import Context
from schema.errors import coded
from services import rate_budget
from services.query_cost import operation_cost
from services.result_cache import document_hash

QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"


def caller_key(context: Any) -> str:
    """Whose budget pays: the token, else the user, else the client address."""
    if not isinstance(context, Context):
        return "address:unknown"
    if context.api_token is not None:
        return f"token:{context.api_token.token_id}"
    if context.principal is not None:
        return f"user:{context.principal.user_id}"
    return f"address:{context.client_address}"


class QueryCostLimiter(SchemaExtension):
    def __init__(self, *, execution_context: Any = None) -> None:
        self.report: dict[str, Any] | None = None

    async def on_execute(self) -> AsyncIterator[None]:
        ec = self.execution_context
        if ec.graphql_document is None or ec.operation_type is OperationType.SUBSCRIPTION:
            yield
            return
        cost = _cost(ec)
        maximum = settings.MAX_QUERY_COST
        self.report = {"requestedQueryCost": cost, "maximumQueryCost": maximum}
        if cost > maximum:
            ec.result = _refused(
                QUERY_TOO_COSTLY,
                f"This query costs {cost}, more than the maximum of {maximum}: ask for fewer "
                f"items (first/last) or fewer fields. / Deze query kost {cost}, meer dan het "
                f"maximum van {maximum}: vraag minder items (first/last) of minder velden.",
                cost=cost,
                maximumCost=maximum,
            )
            yield
            return
        budget = await rate_budget.bucket().take(caller_key(ec.context), cost)
        self.report["throttleStatus"] = {
            "maximumAvailable": budget.capacity,
            "currentlyAvailable": int(budget.available),
            "restoreRate": budget.restore_rate,
        }
        if not budget.allowed:
            wait = budget.retry_after_seconds
            ec.result = _refused(
                rate_budget.BUDGET_EXHAUSTED,
                f"Query budget used up: try again in {wait} s. / "
                f"Het querybudget is op: probeer het over {wait} s opnieuw.",
                cost=cost,
                retryAfterSeconds=wait,
            )
            response = getattr(ec.context, "response", None)
            if isinstance(response, Response):
                response.headers["Retry-After"] = str(wait)
        yield

    def get_results(self) -> dict[str, Any]:
        return {"cost": self.report} if self.report is not None else {}


# (document, operation, variables) -> cost: the same document with the same variables costs
# the same (the home screen asks it thousands of times; walking it is ~1 ms).
_COSTS: dict[tuple[str, str | None, str, int], int] = {}
_COSTS_MAX = 1024


def _cost(ec: Any) -> int:
    key = None
    if ec.query is not None:
        try:
            variables = json.dumps(ec.variables, sort_keys=True) if ec.variables else ""
        except (TypeError, ValueError):
            variables = None
        if variables is not None:
            key = (document_hash(ec.query), ec.operation_name, variables, settings.MAX_PAGE_SIZE)
            cost = _COSTS.get(key)
            if cost is not None:
                return cost
    cost = operation_cost(
        ec.schema._schema,
        ec.graphql_document,
        ec.variables,
        ec.operation_name,
        max_page_size=settings.MAX_PAGE_SIZE,
    )
    if key is not None:
        if len(_COSTS) >= _COSTS_MAX:
            _COSTS.clear()
        _COSTS[key] = cost
    return cost


def _refused(code: str, message: str, **extensions: object) -> GraphQLExecutionResult:
    return GraphQLExecutionResult(data=None, errors=[coded(code, message, **extensions)])
