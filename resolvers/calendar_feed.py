"""The parent's private calendar feed: create (a new URL) and revoke."""

from __future__ import annotations

import settings
from resolvers.outcomes import principal_of
from schema.context import Info
from schema.errors import forbidden
from schema.types.day_requests import CalendarFeed
from services import ics
from services.errors import AccessDenied


async def create_calendar_feed(info: Info) -> CalendarFeed:
    try:
        token = await ics.create_feed(principal_of(info))
    except AccessDenied:
        raise forbidden() from None
    return CalendarFeed(url=f"{settings.PUBLIC_URL.rstrip('/')}/calendar/{token}.ics")


async def revoke_calendar_feed(info: Info) -> bool:
    return await ics.revoke_feeds(principal_of(info)) > 0
