"""Closure days the organisation sets (besides weekends and public holidays).

Planners and admins add them for the whole organisation or one location, and remove them.
A closure day is not a care day: the agenda and the available times skip it.
"""

from __future__ import annotations

from datetime import date

from tortoise.transactions import in_transaction

from models import ClosureDay, Location, Organisation
from services import clock
from services.errors import AccessDenied, Refusal, RefusedError
from services.principal import Principal

CLOSURE_IN_PAST = Refusal(
    "CLOSURE_IN_PAST",
    "Een sluitingsdag kan niet in het verleden liggen.",
    "A closure day cannot lie in the past.",
    {"field": "date"},
)
ALREADY_CLOSED = Refusal(
    "ALREADY_CLOSED",
    "Op die dag is al een sluitingsdag vastgelegd.",
    "A closure day is already set for that day.",
    {"field": "date"},
)
REASON_TOO_LONG = Refusal(
    "REASON_TOO_LONG",
    "De reden mag hooguit 200 tekens zijn.",
    "The reason may be at most 200 characters.",
    {"field": "reason"},
)
LOCATION_NOT_FOUND = Refusal(
    "LOCATION_NOT_FOUND",
    "Die locatie bestaat niet.",
    "That location does not exist.",
    {"field": "locationId"},
)


def _back_office(principal: Principal) -> None:
    if not principal.is_back_office:
        raise AccessDenied("FORBIDDEN")


async def add_closure_day(
    principal: Principal, day: date, location_id: int | None, reason: str
) -> ClosureDay:
    """Close the organisation (or one of its locations) on a day from today on."""
    _back_office(principal)
    reason = reason.strip()
    if len(reason) > 200:
        raise RefusedError(REASON_TOO_LONG)
    organisation = await Organisation.get(id=principal.organisation_id)
    if day < clock.today(organisation.timezone):
        raise RefusedError(CLOSURE_IN_PAST)
    if location_id is not None and not await Location.exists(
        id=location_id, organisation_id=organisation.id
    ):
        raise RefusedError(LOCATION_NOT_FOUND)
    async with in_transaction() as conn:
        clash = ClosureDay.filter(
            organisation_id=organisation.id, date=day, location_id=location_id
        ).using_db(conn)
        if await clash.exists():
            raise RefusedError(ALREADY_CLOSED)
        return await ClosureDay.create(
            organisation_id=organisation.id,
            location_id=location_id,
            date=day,
            reason=reason,
            using_db=conn,
        )


async def remove_closure_day(principal: Principal, closure_id: int) -> bool:
    """Remove one of the organisation's closure days; False when there is no such day."""
    _back_office(principal)
    removed = await ClosureDay.filter(
        id=closure_id, organisation_id=principal.organisation_id
    ).delete()
    return bool(removed)


async def closure_day(principal: Principal, closure_id: int) -> ClosureDay | None:
    """One closure day of the principal's organisation."""
    return await ClosureDay.get_or_none(id=closure_id, organisation_id=principal.organisation_id)


async def closure_days(principal: Principal, start: date, end: date) -> list[ClosureDay]:
    """The organisation's closure days in a range (any signed-in user of the organisation)."""
    return await ClosureDay.filter(
        organisation_id=principal.organisation_id, date__gte=start, date__lte=end
    ).order_by("date", "id")
