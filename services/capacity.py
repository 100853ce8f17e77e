"""Occupancy of a group on a date, compared with `Group.capacity`.

A child takes up a place in a group on a day when it has care there that day: a contract day
(from a placement in that group), or an extra/flexible day that is pending or approved,
unless the child is reported absent for all of it. A child counts once per day, however
many slots it has. Pending days count, so a place is held while a planner reviews.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from tortoise.expressions import Q

from models import Group, Placement, RequestedDay
from services.planning import ACTIVE_STATUSES, Planning


@dataclass
class Occupancy:
    planning: Planning
    capacity: dict[int, int]
    added: dict[tuple[int, date], set[int]] = field(default_factory=lambda: defaultdict(set))

    @classmethod
    async def load(
        cls, organisation_id: int, group_ids: list[int], start: date, end: date
    ) -> Occupancy:
        """Everything needed to count the given groups from `start` to `end`."""
        placed = await Placement.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=start),
            organisation_id=organisation_id,
            group_id__in=group_ids,
            start_date__lte=end,
        ).values_list("child_id", flat=True)
        requested = await RequestedDay.filter(
            organisation_id=organisation_id,
            group_id__in=group_ids,
            date__gte=start,
            date__lte=end,
            status__in=ACTIVE_STATUSES,
        ).values_list("child_id", flat=True)
        planning = await Planning.load(organisation_id, set(placed) | set(requested), start, end)
        capacity = dict(await Group.filter(id__in=group_ids).values_list("id", "capacity"))
        return cls(planning, capacity)

    def occupants(self, group_id: int, day: date, *, excluding: int | None = None) -> set[int]:
        present = self.planning.planned_child_ids(group_id, day) | self.added[(group_id, day)]
        present.discard(excluding)  # type: ignore[arg-type]
        return present

    def count(self, group_id: int, day: date) -> int:
        return len(self.occupants(group_id, day))

    def has_room(self, group_id: int, day: date, child_id: int) -> bool:
        """Room for this child: it is there already, or a place is free."""
        present = self.occupants(group_id, day)
        return child_id in present or len(present) < self.capacity.get(group_id, 0)

    def has_room_for_approval(self, group_id: int, day: date, child_id: int) -> bool:
        """At approval the pending day already counts: is there room beside the others?"""
        return len(self.occupants(group_id, day, excluding=child_id)) < self.capacity.get(
            group_id, 0
        )

    def take(self, group_id: int, day: date, child_id: int) -> None:
        """Count a place taken by a day of the request being evaluated."""
        self.added[(group_id, day)].add(child_id)
