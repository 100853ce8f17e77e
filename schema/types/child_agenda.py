"""The agenda fields of a child (mixed into `Child`): agenda, available times, absence
planning and credits."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from resolvers import agenda as agenda_resolvers
from schema.context import Info
from schema.types.agenda import AbsencePlanningDay, AgendaSlot
from schema.types.credits import Credit
from schema.types.day_requests import AvailableTimes

From = Annotated[date, strawberry.argument(name="from")]


@strawberry.type
class ChildAgendaFields:
    pk: strawberry.Private[int]

    @strawberry.field(
        description="Care days from `from` to `to` (at most 93 days): contract days from the "
        "weekly schedule, extra and flexible days, with status. Closed days are left out."
    )
    async def agenda(self, info: Info, from_: From, to: date) -> list[AgendaSlot]:
        return await agenda_resolvers.child_agenda(info, self.pk, from_, to)

    @strawberry.field(description="What can be requested on a date, or why not.")
    async def available_times(self, info: Info, date: date) -> AvailableTimes:
        return await agenda_resolvers.child_available_times(info, self.pk, date)

    @strawberry.field(
        description="The planning of a period, for reporting absence: per care day its slots "
        "and the day parts that can be reported (at most 93 days)."
    )
    async def absence_planning(self, info: Info, from_: From, to: date) -> list[AbsencePlanningDay]:
        return await agenda_resolvers.child_absence_planning(info, self.pk, from_, to)

    @strawberry.field(
        description="Per credit type: purchased, used, reserved and remaining, valid until, "
        "and the dates it was used on. Guardians and planners only (group staff: empty)."
    )
    async def credits(self, info: Info) -> list[Credit]:
        return await agenda_resolvers.child_credits(info, self.pk)
