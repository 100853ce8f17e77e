"""Mutations for closure days (planners and admins)."""

from __future__ import annotations

import strawberry

from resolvers import closures as closure_resolvers
from schema.context import Info
from schema.permissions import IsBackOffice
from schema.types.closures import AddClosureDayInput, AddClosureDayResult


@strawberry.type
class ClosureMutations:
    @strawberry.mutation(
        permission_classes=[IsBackOffice],
        description="Close the organisation (or one location) on a day: it is no care day. "
        "Refused: CLOSURE_IN_PAST, ALREADY_CLOSED, LOCATION_NOT_FOUND, REASON_TOO_LONG.",
    )
    async def add_closure_day(self, info: Info, input: AddClosureDayInput) -> AddClosureDayResult:
        return await closure_resolvers.add_closure_day(info, input)

    @strawberry.mutation(
        permission_classes=[IsBackOffice],
        description="Remove a closure day; false when there is no such day in your organisation.",
    )
    async def remove_closure_day(self, info: Info, id: strawberry.ID) -> bool:
        return await closure_resolvers.remove_closure_day(info, id)
