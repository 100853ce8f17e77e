"""A child, as the viewer is allowed to see it."""

from __future__ import annotations

from datetime import date

import strawberry

from models import Child as ChildModel
from resolvers import diary as diary_resolvers
from resolvers import placements as placement_resolvers
from resolvers import timeline as timeline_resolvers
from schema.context import Info
from schema.ids import to_global_id
from schema.relay import Connection, Node
from schema.types.child_agenda import ChildAgendaFields
from schema.types.diary import DiaryEntry
from schema.types.groups import StaffMember
from schema.types.placements import Placement
from schema.types.timeline import TimelineItemUnion


@strawberry.type
class Child(ChildAgendaFields, Node):
    pk: strawberry.Private[int]
    first_name: str
    last_name: str
    birth_date: date

    @classmethod
    def from_model(cls, child: ChildModel) -> Child:
        return cls(
            id=strawberry.ID(to_global_id("Child", child.id)),
            pk=child.id,
            first_name=child.first_name,
            last_name=child.last_name,
            birth_date=child.birth_date,
        )

    @strawberry.field(
        description="Without `activeOn`: placements running today or starting later; with it: "
        "those active on that date."
    )
    async def placements(self, info: Info, active_on: date | None = None) -> list[Placement]:
        return await placement_resolvers.child_placements(info, self.pk, active_on)

    @strawberry.field(description="The mentor of the placement running today.")
    async def mentor(self, info: Info) -> StaffMember | None:
        return await placement_resolvers.child_mentor(info, self.pk)

    @strawberry.field(description="Photo posts and diary cards about this child, newest first.")
    async def timeline(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[TimelineItemUnion]:
        return await timeline_resolvers.child_timeline(info, self.pk, first, after)

    @strawberry.field(
        description="Diary day-reports by staff and guardians: newest day first, a day's entries "
        "together (within a day the entry written last first)."
    )
    async def diary(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[DiaryEntry]:
        return await diary_resolvers.child_diary(info, self.pk, first, after)
