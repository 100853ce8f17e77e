"""`dayRequestDecided`: decisions on the viewer's requests, live (see `subscriptions.live`)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from resolvers.node import resolve_node
from schema.context import Info
from schema.ids import to_global_id
from schema.relay import Edge
from schema.types.agenda import DayRequest, DayRequestDecision, RequestedDay
from services import access
from services.events import StoredEvent
from services.expiry import DECIDED_EVENT, EXPIRED_EVENT
from subscriptions.live import LiveScope, event_cursor, live_events


async def day_request_decided(
    info: Info, after: str | None
) -> AsyncIterator[Edge[DayRequestDecision]]:
    """Decisions and expiries of the viewer's own requests, and (parents) of requests for
    their children made by another guardian."""
    principal = info.context.principal
    assert principal is not None  # IsAuthenticated

    async def scope() -> LiveScope:
        topics = {f"user:{principal.user_id}"}
        if principal.is_parent:
            topics |= {f"child:{c}" for c in await access.visible_child_ids(principal)}
        return LiveScope.of(topics, {DECIDED_EVENT, EXPIRED_EVENT})

    async def load(event: StoredEvent) -> DayRequestDecision | None:
        request = await resolve_node(
            info, to_global_id("DayRequest", int(event.payload["request_id"]))
        )
        if not isinstance(request, DayRequest):
            return None
        days = []
        for day_id in event.payload.get("day_ids", []):
            day = await resolve_node(info, to_global_id("RequestedDay", int(day_id)))
            if isinstance(day, RequestedDay):
                days.append(day)
        if not days:
            return None
        return DayRequestDecision(expired=event.type == EXPIRED_EVENT, request=request, days=days)

    async for event, node in live_events(info, scope, after, load):
        yield Edge(cursor=event_cursor(event.id), node=node)
