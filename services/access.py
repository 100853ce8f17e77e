"""Which rows a principal may see. Every read and write path asks here.

- A parent sees their own children, until `access_window_weeks` (8) after the child's last
  care day.
- Staff see the children placed in the groups they currently work in.
- Planners and admins see every child of their own organisation.
- Nothing of one organisation is ever visible from another.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from tortoise.expressions import Q

from models import Child, Organisation, Placement, StaffAssignment
from services import clock
from services.principal import Principal
from services.sql_rows import Statement

# A parent's child as the access rule needs it: [child id, last care day] where the last
# care day is None without any placement yet and 9999-12-31 while a placement runs on.
OwnChild = Sequence[object]


async def _organisation(principal: Principal) -> Organisation:
    return await Organisation.get(id=principal.organisation_id)


def placement_in_window(today: date, window_weeks: int) -> Q:
    """Placements that still give access: running, future, or ended within the window."""
    cutoff = today - timedelta(weeks=window_weeks)
    return Q(end_date__isnull=True) | Q(end_date__gte=cutoff)


def own_children(q: Statement, user_id: str, organisation_id: str, where: str = "") -> str:
    """An SQL expression: the JSON array of the parent's children ([id, last care day]) in
    display order, for `parent_visible`. `user_id` and `organisation_id` are SQL expressions
    (the statement that authenticates a request embeds this)."""
    select = (
        "SELECT c.id, c.last_name, c.first_name, ("
        "SELECT MAX(COALESCE(p.end_date, '9999-12-31')) FROM placement p WHERE p.child_id = c.id"
        ") AS last_day FROM guardianship g JOIN child c ON c.id = g.child_id "
        f"WHERE g.user_id = {user_id} AND c.organisation_id = {organisation_id} {where}"
    )
    return q.tuples(select, ["id", "last_day"], "last_name, first_name, id")


def parent_visible(own: Sequence[OwnChild], today: date, window_weeks: int) -> list[int]:
    """The rule for parents: a child with no placement at all yet (care not started) stays
    visible; one whose placements all ended more than the window ago is gone."""
    cutoff = today - timedelta(weeks=window_weeks)
    return [
        int(child_id)  # type: ignore[call-overload]
        for child_id, last_day in own
        if last_day is None or date.fromisoformat(str(last_day)) >= cutoff
    ]


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
        q = Statement()
        row = await q.fetch_row(
            f"SELECT {own_children(q, ':user', ':organisation')} AS own",
            {"user": principal.user_id, "organisation": principal.organisation_id},
        )
        return parent_visible(row["own"] if row else [], today, organisation.access_window_weeks)
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
