"""A child's placement: group, care type, weekly schedule and period."""

from __future__ import annotations

from datetime import date, time

import strawberry

from models import Placement as PlacementModel
from resolvers.loaded import now_or_later
from schema.context import Info
from schema.ids import to_global_id
from schema.types.groups import CareType, Group
from schema.types.weekday import Weekday
from services.placements import schedule_of


@strawberry.type(description="One weekly care day of a placement.")
class ScheduleDay:
    weekday: Weekday
    start: time
    end: time


@strawberry.type(description="The contract of a child with a group.")
class Placement:
    group_pk: strawberry.Private[int]
    id: strawberry.ID
    care_type: CareType
    weekly_schedule: list[ScheduleDay] = strawberry.field(
        description="Monday first; empty for flexible care without fixed days."
    )
    start_date: date
    end_date: date | None = strawberry.field(description="Null while it runs indefinitely.")

    @classmethod
    def from_model(cls, placement: PlacementModel) -> Placement:
        return cls(
            group_pk=placement.group_id,  # type: ignore[attr-defined]
            id=strawberry.ID(to_global_id("Placement", placement.id)),
            care_type=placement.care_type,
            weekly_schedule=[
                ScheduleDay(weekday=Weekday(d.weekday), start=d.start, end=d.end)
                for d in schedule_of(placement)
            ],
            start_date=placement.start_date,
            end_date=placement.end_date,
        )

    @strawberry.field
    def group(self, info: Info) -> Group:
        return now_or_later(info.context.loaders.group_by_id, self.group_pk, Group.from_model)
