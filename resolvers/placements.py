"""A child's placements and mentor, through the per-request loaders."""

from __future__ import annotations

from datetime import date

from schema.context import Info
from schema.types.groups import StaffMember
from schema.types.placements import Placement
from services.placements import current_mentor_id


async def child_placements(info: Info, child_pk: int, active_on: date | None) -> list[Placement]:
    loaders = info.context.loaders
    if child_pk not in await loaders.visible_child_ids():
        return []
    rows = await loaders.placements_by_child.load((child_pk, active_on))
    return [Placement.from_model(p) for p in rows]


async def child_mentor(info: Info, child_pk: int) -> StaffMember | None:
    """The mentor of the placement running today."""
    loaders, principal = info.context.loaders, info.context.principal
    if principal is None or child_pk not in await loaders.visible_child_ids():
        return None
    rows = await loaders.placements_by_child.load((child_pk, None))
    mentor_id = current_mentor_id(rows, await loaders.today())
    user = await loaders.user_by_id.load(mentor_id) if mentor_id else None
    same_tenant = user is not None and user.organisation_id == principal.organisation_id  # type: ignore[attr-defined]
    return StaffMember.from_model(user) if user and same_tenant else None
