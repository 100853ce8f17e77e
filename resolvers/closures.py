"""Closure days: planners add and remove them; everyone of the organisation can list them."""

from __future__ import annotations

from datetime import date

from resolvers.node import node_fetcher
from resolvers.outcomes import outcome, principal_of
from schema.context import Info
from schema.errors import bad_input, forbidden
from schema.ids import pk_of
from schema.types.closures import (
    AddClosureDayInput,
    AddClosureDayResult,
    ClosureDay,
    ClosureDayAdded,
)
from services import closures

MAX_RANGE_DAYS = 366


async def add_closure_day(info: Info, input: AddClosureDayInput) -> AddClosureDayResult:
    principal = principal_of(info)
    location = pk_of(input.location_id, "Location") if input.location_id else None
    return await outcome(
        info,
        closures.add_closure_day(principal, input.date, location, input.reason),
        lambda row: ClosureDayAdded(closure_day=ClosureDay.from_model(row)),
    )


async def remove_closure_day(info: Info, closure_id: str) -> bool:
    principal = principal_of(info)
    if not principal.is_back_office:
        raise forbidden()
    return await closures.remove_closure_day(principal, pk_of(closure_id, "ClosureDay"))


async def closure_days(info: Info, start: date, end: date) -> list[ClosureDay]:
    principal = principal_of(info)
    if end < start or (end - start).days > MAX_RANGE_DAYS:
        raise bad_input(
            "INVALID_RANGE",
            "Kies een periode van hooguit een jaar, met het einde na het begin.",
            "Choose a period of at most a year, ending after it starts.",
        )
    return [ClosureDay.from_model(r) for r in await closures.closure_days(principal, start, end)]


@node_fetcher("ClosureDay")
async def closure_day_node(info: Info, pk: int) -> ClosureDay | None:
    row = await closures.closure_day(principal_of(info), pk)
    return ClosureDay.from_model(row) if row else None
