"""Which locations a principal belongs to ("my location"), and their opening hours.

- Parents: the locations of their visible children's running and future placements.
- Staff: the locations of the groups they work in today.
- Planners and admins: every location of their organisation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from tortoise.expressions import Q

from models import Group, Location, Organisation, Placement
from services import access, clock
from services.principal import Principal

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class OpeningDay:
    """One weekday: open from `opens` to `closes`, or closed (both None)."""

    weekday: int  # 0 = Monday
    opens: time | None
    closes: time | None

    @property
    def closed(self) -> bool:
        return self.opens is None or self.closes is None


def _time(value: object) -> time | None:
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        return None


def opening_days(opening_hours: dict | None) -> list[OpeningDay]:
    """Seven days, Monday first, from the stored `{"mon": ["07:00", "18:30"], "sun": null}`.

    A missing, malformed or inverted entry counts as closed rather than breaking the screen.
    """
    hours = opening_hours if isinstance(opening_hours, dict) else {}
    days = []
    for weekday, key in enumerate(WEEKDAYS):
        entry = hours.get(key)
        opens = closes = None
        if isinstance(entry, list | tuple) and len(entry) == 2:
            opens, closes = _time(entry[0]), _time(entry[1])
            if opens is None or closes is None or closes <= opens:
                opens = closes = None
        days.append(OpeningDay(weekday, opens, closes))
    return days


async def location_ids_for(principal: Principal, child_ids: list[int] | None = None) -> list[int]:
    """The ids of the principal's locations, ascending. `child_ids`: the visible children,
    when the caller already has them."""
    org_id = principal.organisation_id
    if principal.is_back_office:
        ids = await Location.filter(organisation_id=org_id).values_list("id", flat=True)
    elif principal.is_parent:
        if child_ids is None:
            child_ids = await access.visible_child_ids(principal)
        if not child_ids:
            return []
        organisation = await Organisation.get(id=org_id)
        today = clock.today(organisation.timezone)
        ids = await Placement.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=today),
            organisation_id=org_id,
            child_id__in=child_ids,
        ).values_list("group__location_id", flat=True)
    elif principal.is_staff:
        groups = await access.staff_group_ids(principal)
        if not groups:
            return []
        ids = await Group.filter(id__in=groups, organisation_id=org_id).values_list(
            "location_id", flat=True
        )
    else:
        return []
    return sorted(set(ids))


async def locations_for(principal: Principal, location_ids: list[int]) -> list[Location]:
    """The locations with these ids, of the principal's organisation, by name."""
    if not location_ids:
        return []
    return await Location.filter(
        id__in=location_ids, organisation_id=principal.organisation_id
    ).order_by("name", "id")
