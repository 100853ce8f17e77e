"""Which rows a principal may see. Every read and write path asks here.

- A parent sees their own children, until `access_window_weeks` (8) after the child's last
  care day.
- Staff see the children placed in the groups they currently work in.
- Planners and admins see every child of their own organisation.
- Nothing of one organisation is ever visible from another.
"""

from __future__ import annotations

from datetime import date, timedelta

from tortoise.expressions import Q

from models import Child, Guardianship, Organisation, Placement, StaffAssignment
from services import clock
from services.principal import Principal


async def _organisation(principal: Principal) -> Organisation:
    return await Organisation.get(id=principal.organisation_id)


def placement_in_window(today: date, window_weeks: int) -> Q:
    """Placements that still give access: running, future, or ended within the window."""
    cutoff = today - timedelta(weeks=window_weeks)
    return Q(end_date__isnull=True) | Q(end_date__gte=cutoff)


async def staff_group_ids(principal: Principal, on: date | None = None) -> list[int]:
    """The groups a staff member works in on a day (today by default)."""
    day = on or clock.today()
    return await StaffAssignment.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=day),
        user_id=principal.user_id,
        start_date__lte=day,
        group__organisation_id=principal.organisation_id,
    ).values_list("group_id", flat=True)


async def visible_child_ids(principal: Principal) -> list[int]:
    """Every child id the principal may see, in a stable order (last name, first name, id)."""
    organisation = await _organisation(principal)
    today = clock.today(organisation.timezone)
    window = placement_in_window(today, organisation.access_window_weeks)
    children = Child.filter(organisation_id=principal.organisation_id)
    if principal.is_back_office:
        query = children
    elif principal.is_parent:
        own = Guardianship.filter(user_id=principal.user_id).values_list("child_id", flat=True)
        own_ids = await own
        if not own_ids:
            return []
        # A child with no placement at all yet (care not started) stays visible; one whose
        # placements all ended more than the window ago is gone.
        with_placements = set(
            await Placement.filter(child_id__in=own_ids).values_list("child_id", flat=True)
        )
        in_window = set(
            await Placement.filter(window, child_id__in=own_ids).values_list("child_id", flat=True)
        )
        allowed = [cid for cid in own_ids if cid in in_window or cid not in with_placements]
        query = children.filter(id__in=allowed)
    elif principal.is_staff:
        groups = await staff_group_ids(principal, today)
        if not groups:
            return []
        placed = await Placement.filter(
            window, group_id__in=groups, start_date__lte=today + timedelta(weeks=8)
        ).values_list("child_id", flat=True)
        query = children.filter(id__in=list(set(placed)))
    else:
        return []
    return await query.order_by("last_name", "first_name", "id").values_list("id", flat=True)


async def can_see_child(principal: Principal, child_id: int) -> bool:
    return child_id in set(await visible_child_ids(principal))
