"""Who may be told about something: guardians of children, staff of groups, parents of a
location. Every set here is later narrowed to active users of the event's organisation."""

from __future__ import annotations

from collections.abc import Iterable

from tortoise.expressions import Q

from models import Child, Group, Guardianship, Organisation, Placement, StaffAssignment, User
from services import clock
from services.access import placement_in_window


async def _window(organisation_id: int) -> Q:
    org = await Organisation.get(id=organisation_id)
    return placement_in_window(clock.today(org.timezone), org.access_window_weeks)


async def children_in_access(organisation_id: int, child_ids: Iterable[int]) -> set[int]:
    """The children whose guardians still have access: a placement in the window, or none yet."""
    ids = set(child_ids)
    if not ids:
        return set()
    placed = set(await Placement.filter(child_id__in=ids).values_list("child_id", flat=True))
    window = await _window(organisation_id)
    current = set(
        await Placement.filter(window, child_id__in=ids).values_list("child_id", flat=True)
    )
    return {c for c in ids if c in current or c not in placed}


async def guardians_of(organisation_id: int, child_ids: Iterable[int]) -> set[int]:
    """Guardians of those children (of this organisation) who still have access to them."""
    visible = await children_in_access(organisation_id, child_ids)
    if not visible:
        return set()
    return set(
        await Guardianship.filter(
            child_id__in=visible, child__organisation_id=organisation_id
        ).values_list("user_id", flat=True)
    )


async def staff_of_group(organisation_id: int, group_id: int | None) -> set[int]:
    """Staff working in the group today."""
    if group_id is None:
        return set()
    org = await Organisation.get(id=organisation_id)
    today = clock.today(org.timezone)
    return set(
        await StaffAssignment.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=today),
            group_id=group_id,
            start_date__lte=today,
            group__organisation_id=organisation_id,
        ).values_list("user_id", flat=True)
    )


async def parents_of_location(organisation_id: int, location_id: int | None) -> set[int]:
    """Guardians of children placed (in the access window) at a location, or anywhere in the
    organisation when `location_id` is None."""
    window = await _window(organisation_id)
    groups = Group.filter(organisation_id=organisation_id)
    if location_id is not None:
        groups = groups.filter(location_id=location_id)
    group_ids = await groups.values_list("id", flat=True)
    if not group_ids:
        return set()
    child_ids = await Placement.filter(window, group_id__in=group_ids).values_list(
        "child_id", flat=True
    )
    if not child_ids:
        return set()
    return set(
        await Guardianship.filter(child_id__in=set(child_ids)).values_list("user_id", flat=True)
    )


async def first_names(child_ids: Iterable[int]) -> str:
    """ "Sam" or "Sam en Noor" style list of first names (sorted by id)."""
    names = [
        n
        for _, n in sorted(
            await Child.filter(id__in=set(child_ids)).values_list("id", "first_name")
        )
    ]
    if len(names) <= 1:
        return names[0] if names else ""
    return ", ".join(names[:-1]) + " & " + names[-1]


async def active_members(organisation_id: int, user_ids: Iterable[int]) -> list[User]:
    """The users among `user_ids` that are active members of the organisation (the tenant
    guard: nobody of another organisation is ever notified)."""
    ids = set(user_ids)
    if not ids:
        return []
    return await User.filter(id__in=ids, organisation_id=organisation_id, is_active=True).order_by(
        "id"
    )
