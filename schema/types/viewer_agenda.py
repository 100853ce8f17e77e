"""The agenda fields of the viewer (mixed into `Viewer`): planners' pending requests, today's
absences for group staff, the organisation's credit types."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from resolvers import absences as absence_resolvers
from resolvers import closures as closure_resolvers
from resolvers import credits as credit_resolvers
from resolvers import day_requests as request_resolvers
from schema.context import Info
from schema.permissions import IsAuthenticated, IsBackOffice
from schema.relay import Connection
from schema.types.agenda import Absence, RequestedDay
from schema.types.closures import ClosureDay
from schema.types.credits import CreditType

From = Annotated[date | None, strawberry.argument(name="from")]


@strawberry.type
class ViewerAgendaFields:
    @strawberry.field(
        permission_classes=[IsAuthenticated],
        description="Closure days of the viewer's organisation in a period (at most a year).",
    )
    async def closure_days(
        self, info: Info, from_: Annotated[date, strawberry.argument(name="from")], to: date
    ) -> list[ClosureDay]:
        return await closure_resolvers.closure_days(info, from_, to)

    @strawberry.field(
        permission_classes=[IsBackOffice],
        description="Planners: days waiting for review in their organisation, soonest first, "
        "optionally of one location or group, from/to a date.",
    )
    async def pending_requested_days(
        self,
        info: Info,
        location_id: strawberry.ID | None = None,
        group_id: strawberry.ID | None = None,
        from_: From = None,
        to: date | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[RequestedDay]:
        return await request_resolvers.pending_requested_days(
            info, location_id, group_id, from_, to, first, after
        )

    @strawberry.field(
        permission_classes=[IsAuthenticated],
        description="Staff: today's absences in their groups (planners: in the organisation), "
        "optionally of one group.",
    )
    async def todays_absences(
        self, info: Info, group_id: strawberry.ID | None = None
    ) -> list[Absence]:
        return await absence_resolvers.todays_absences(info, group_id)

    @strawberry.field(
        permission_classes=[IsAuthenticated],
        description="The credit types of the organisation (KDV flex credit, holiday-fun hours…).",
    )
    async def credit_types(self, info: Info) -> list[CreditType]:
        return await credit_resolvers.credit_types(info)
