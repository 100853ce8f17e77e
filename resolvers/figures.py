"""Organisation figures: whose organisation is asked about, input checks, one service call.

The caller is an API token (its organisation) or a planner or admin (theirs); the field's
scope is checked by its permission (schema.permissions.HasScope) before we get here.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import date
from typing import TypeVar

from schema.context import Info
from schema.errors import bad_input, forbidden, not_found
from schema.ids import pk_of
from services.figures import FigureInputError, credits, messaging, news, occupancy, requests

T = TypeVar("T")


def may_see_figures(info: Info) -> bool:
    principal = info.context.principal
    return info.context.api_token is not None or (
        principal is not None and principal.is_back_office
    )


def organisation_of(info: Info) -> int:
    token = info.context.api_token
    if token is not None:
        return token.organisation_id
    principal = info.context.principal
    if principal is None or not principal.is_back_office:
        raise forbidden()
    return principal.organisation_id


async def _checked(call: Awaitable[T]) -> T:
    try:
        return await call
    except FigureInputError as error:
        raise bad_input(error.code, error.message_nl, error.message_en) from None


async def occupancy_figures(
    info: Info, start: date, end: date, location_id: str | None
) -> list[occupancy.LocationOccupancy]:
    organisation_id = organisation_of(info)
    location = pk_of(location_id, "Location") if location_id else None
    found = await _checked(occupancy.occupancy(organisation_id, start, end, location))
    if found is None:
        raise not_found()
    return found


async def pending_day_requests(info: Info) -> requests.PendingRequests:
    return await requests.pending_requests(organisation_of(info))


async def credit_usage(info: Info, first: str, last: str) -> list[credits.CreditTypeUsage]:
    return await _checked(credits.credit_usage(organisation_of(info), first, last))


async def messaging_response_times(
    info: Info, start: date, end: date
) -> list[messaging.GroupResponseTimes]:
    return await _checked(messaging.response_times(organisation_of(info), start, end))


async def news_reach(info: Info, first: int) -> list[news.NewsReach]:
    return await _checked(news.news_reach(organisation_of(info), first))
