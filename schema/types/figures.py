"""Organisation figures for dashboards: counts per location, group, day and month.

Only aggregates and the names of locations, groups, credit types and news items; never a
child or a parent. Each field needs an API token with its scope, or a planner or admin.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry
from strawberry.permission import PermissionExtension

from resolvers import figures as resolvers
from schema.context import Info
from schema.ids import to_global_id
from schema.permissions import HasScope
from services.figures import credits, messaging, news, occupancy, requests
from services.token_principal import Scope

From = Annotated[date, strawberry.argument(name="from")]


def _scope(scope: Scope) -> list[PermissionExtension]:
    return [PermissionExtension(permissions=[HasScope(scope)], use_directives=False)]


@strawberry.type(description="One open day of a group.")
class OccupancyDay:
    date: date
    planned: int = strawberry.field(
        description="Children taking up a place, as capacity decisions count them: contract "
        "days and pending or approved extra days, without children absent all day."
    )
    absent: int = strawberry.field(description="Children with care that day, absent all day.")
    extra_requested: int = strawberry.field(
        description="Children with an extra or flexible day waiting for a decision."
    )
    extra_approved: int = strawberry.field(
        description="Children with an approved extra or flexible day."
    )


@strawberry.type
class GroupOccupancy:
    id: strawberry.ID
    name: str
    capacity: int
    days: list[OccupancyDay] = strawberry.field(
        description="Every day the location is open in the period, in date order."
    )


@strawberry.type
class LocationOccupancy:
    id: strawberry.ID
    name: str
    groups: list[GroupOccupancy]


@strawberry.type
class PendingAtLocation:
    location_id: strawberry.ID
    name: str
    count: int = strawberry.field(description="Pending requested days.")
    requests: int = strawberry.field(description="Requests with at least one pending day.")
    oldest_requested_at: datetime


@strawberry.type(description="Requested days waiting for a planner's decision.")
class PendingDayRequests:
    count: int = strawberry.field(description="Pending requested days.")
    requests: int = strawberry.field(description="Requests with at least one pending day.")
    oldest_requested_at: datetime | None
    per_location: list[PendingAtLocation]


@strawberry.type(description="Minutes of one credit type in one month.")
class CreditMonth:
    month: str = strawberry.field(description="YYYY-MM")
    granted: int = strawberry.field(description="Purchased, in the month booked.")
    used: int = strawberry.field(description="Used minus refunded, in the care day's month.")
    reserved: int = strawberry.field(
        description="Held for days waiting for a decision, in the care day's month."
    )
    expired: int = strawberry.field(description="Expiry entries, in the month booked.")


@strawberry.type
class CreditTypeUsage:
    id: strawberry.ID
    name: str
    months: list[CreditMonth]


@strawberry.type(description="How fast a group answers conversations parents start.")
class GroupResponseTimes:
    group_id: strawberry.ID
    name: str
    location_name: str
    conversations: int = strawberry.field(
        description="Conversations a parent started in the period."
    )
    answered: int = strawberry.field(description="Of those, the ones staff replied to.")
    median_first_reply_seconds: int | None = strawberry.field(
        description="Median time from the parent's first message to the first staff reply; "
        "null when none was answered."
    )


@strawberry.type
class NewsReach:
    news_item_id: strawberry.ID
    title: str
    location_name: str | None = strawberry.field(description="Null: organisation-wide.")
    published_at: datetime
    audience: int = strawberry.field(description="Active parents who see the item today.")
    readers: int = strawberry.field(description="Parents who have opened it.")


@strawberry.type(
    description="Figures of the caller's organisation (API token or planner/admin). "
    "Each field needs its own scope."
)
class Figures:
    @strawberry.field(
        extensions=_scope(Scope.OCCUPANCY),
        description="Scope `occupancy`. Per location and group, every open day from `from` "
        "to `to` (at most 92 days). With `locationId`, that location only.",
    )
    async def occupancy(
        self,
        info: Info,
        from_: From,
        to: date,
        location_id: strawberry.ID | None = None,
    ) -> list[LocationOccupancy]:
        found = await resolvers.occupancy_figures(info, from_, to, location_id)
        return [_location(loc) for loc in found]

    @strawberry.field(
        extensions=_scope(Scope.REQUESTS),
        description="Scope `requests`. Days waiting for a decision, in total and per location.",
    )
    async def pending_day_requests(self, info: Info) -> PendingDayRequests:
        return _pending(await resolvers.pending_day_requests(info))

    @strawberry.field(
        extensions=_scope(Scope.CREDITS),
        description="Scope `credits`. Every credit type, every month from `fromMonth` to "
        "`toMonth` (YYYY-MM, at most 24 months), in minutes.",
    )
    async def credit_usage(
        self, info: Info, from_month: str, to_month: str
    ) -> list[CreditTypeUsage]:
        return [_credit(t) for t in await resolvers.credit_usage(info, from_month, to_month)]

    @strawberry.field(
        extensions=_scope(Scope.MESSAGING_STATISTICS),
        description="Scope `messaging_statistics`. Per group, conversations parents started "
        "from `from` to `to` (at most 366 days).",
    )
    async def messaging_response_times(
        self,
        info: Info,
        from_: From,
        to: date,
    ) -> list[GroupResponseTimes]:
        found = await resolvers.messaging_response_times(info, from_, to)
        return [_response(g) for g in found]

    @strawberry.field(
        extensions=_scope(Scope.NEWS),
        description="Scope `news`. The newest published news items (at most 100), newest first.",
    )
    async def news_reach(self, info: Info, first: int = 20) -> list[NewsReach]:
        return [_reach(n) for n in await resolvers.news_reach(info, first)]


def _location(loc: occupancy.LocationOccupancy) -> LocationOccupancy:
    return LocationOccupancy(
        id=strawberry.ID(to_global_id("Location", loc.location_id)),
        name=loc.name,
        groups=[
            GroupOccupancy(
                id=strawberry.ID(to_global_id("Group", g.group_id)),
                name=g.name,
                capacity=g.capacity,
                days=[
                    OccupancyDay(
                        date=d.date,
                        planned=d.planned,
                        absent=d.absent,
                        extra_requested=d.extra_requested,
                        extra_approved=d.extra_approved,
                    )
                    for d in g.days
                ],
            )
            for g in loc.groups
        ],
    )


def _pending(found: requests.PendingRequests) -> PendingDayRequests:
    return PendingDayRequests(
        count=found.days,
        requests=found.requests,
        oldest_requested_at=found.oldest_requested_at,
        per_location=[
            PendingAtLocation(
                location_id=strawberry.ID(to_global_id("Location", p.location_id)),
                name=p.name,
                count=p.days,
                requests=p.requests,
                oldest_requested_at=p.oldest_requested_at,
            )
            for p in found.per_location
        ],
    )


def _credit(usage: credits.CreditTypeUsage) -> CreditTypeUsage:
    return CreditTypeUsage(
        id=strawberry.ID(to_global_id("CreditType", usage.credit_type_id)),
        name=usage.name,
        months=[
            CreditMonth(
                month=m.month.strftime("%Y-%m"),
                granted=m.granted,
                used=m.used,
                reserved=m.reserved,
                expired=m.expired,
            )
            for m in usage.months
        ],
    )


def _response(g: messaging.GroupResponseTimes) -> GroupResponseTimes:
    return GroupResponseTimes(
        group_id=strawberry.ID(to_global_id("Group", g.group_id)),
        name=g.name,
        location_name=g.location_name,
        conversations=g.conversations,
        answered=g.answered,
        median_first_reply_seconds=g.median_first_reply_seconds,
    )


def _reach(n: news.NewsReach) -> NewsReach:
    return NewsReach(
        news_item_id=strawberry.ID(to_global_id("NewsItem", n.news_item_id)),
        title=n.title,
        location_name=n.location_name,
        published_at=n.published_at,
        audience=n.audience,
        readers=n.readers,
    )
