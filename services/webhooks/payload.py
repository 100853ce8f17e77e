"""The JSON body of one event for one endpoint.

    {"id": "<event id>", "type": "day_request.decided", "createdAt": "...",
     "organisation": {"id": "<org id>"}, "data": {...}}

`data` holds ids (global ids, as the GraphQL API writes them, so a dashboard can look
things up with its API token) and non-personal facts: dates, times, statuses, groups and
locations. Never names, parent details, remarks, reasons or message text. What goes beyond
the event's own scope is added only for the scopes the endpoint has: groups and locations
of requested days with `occupancy`, their payment with `credits`.

The facts are read when the attempt is made: a retried `day_request.created` shows the
days' status of that moment.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from models import Absence, Event, Group, NewsItem, RequestedDay
from services import b64
from services.token_principal import Scope
from services.webhooks.catalogue import WebhookEvent

Data = dict[str, Any]


def global_id(type_name: str, pk: int | None) -> str | None:
    """The GraphQL API's global id (schema.ids.to_global_id; services do not import schema)."""
    if pk is None:
        return None
    return b64.global_id(type_name, pk)


async def _locations(group_ids: Iterable[int]) -> dict[int, int]:
    ids = sorted(set(group_ids))
    if not ids:
        return {}
    return dict(await Group.filter(id__in=ids).values_list("id", "location_id"))


async def _day_request(event: Event, scopes: frozenset[Scope]) -> Data:
    payload = event.payload or {}
    days = await RequestedDay.filter(
        id__in=[int(i) for i in payload.get("day_ids", [])],
        organisation_id=event.organisation_id,  # type: ignore[attr-defined]
    ).order_by("date", "start_time", "id")
    located = Scope.OCCUPANCY in scopes
    locations = await _locations(d.group_id for d in days) if located else {}  # type: ignore[attr-defined]
    rows = []
    for day in days:
        row: Data = {
            "id": global_id("RequestedDay", day.id),
            "childId": global_id("Child", day.child_id),  # type: ignore[attr-defined]
            "date": day.date.isoformat(),
            "startTime": day.start_time.strftime("%H:%M"),
            "endTime": day.end_time.strftime("%H:%M"),
            "kind": day.kind.value,
            "status": day.status.value,
        }
        if located:
            row["groupId"] = global_id("Group", day.group_id)  # type: ignore[attr-defined]
            row["locationId"] = global_id("Location", locations.get(day.group_id))  # type: ignore[attr-defined]
        if Scope.CREDITS in scopes:
            row["creditTypeId"] = global_id("CreditType", day.credit_type_id)  # type: ignore[attr-defined]
            row["chargeOnInvoice"] = day.charge_on_invoice
        rows.append(row)
    return {"requestId": global_id("DayRequest", payload.get("request_id")), "days": rows}


async def _absence(event: Event, scopes: frozenset[Scope]) -> Data:
    payload = event.payload or {}
    absences = await Absence.filter(
        id__in=[int(i) for i in payload.get("absence_ids", [])],
        organisation_id=event.organisation_id,  # type: ignore[attr-defined]
    ).order_by("date", "id")
    locations = await _locations(a.group_id for a in absences)  # type: ignore[attr-defined]
    return {
        "childId": global_id("Child", payload.get("child_id")),
        "absences": [
            {
                "id": global_id("Absence", a.id),
                "date": a.date.isoformat(),
                "dayPart": a.day_part.value,
                "groupId": global_id("Group", a.group_id),  # type: ignore[attr-defined]
                "locationId": global_id("Location", locations.get(a.group_id)),  # type: ignore[attr-defined]
            }
            for a in absences
        ],
    }


async def _news(event: Event, scopes: frozenset[Scope]) -> Data:
    item_id = (event.payload or {}).get("newsItemId")
    item = await NewsItem.get_or_none(id=item_id, organisation_id=event.organisation_id)  # type: ignore[attr-defined]
    published = item.published_at if item else None
    return {
        "newsItemId": global_id("NewsItem", item_id),
        "locationId": global_id("Location", item.location_id) if item else None,  # type: ignore[attr-defined]
        "publishedAt": published.isoformat() if published else None,
    }


_BUILDERS: dict[WebhookEvent, Callable[[Event, frozenset[Scope]], Awaitable[Data]]] = {
    WebhookEvent.DAY_REQUEST_CREATED: _day_request,
    WebhookEvent.DAY_REQUEST_DECIDED: _day_request,
    WebhookEvent.DAY_REQUEST_EXPIRED: _day_request,
    WebhookEvent.ABSENCE_REPORTED: _absence,
    WebhookEvent.NEWS_PUBLISHED: _news,
}


async def build(event: Event, scopes: Iterable[str]) -> dict[str, Any]:
    """The document sent for `event` to an endpoint with `scopes`."""
    allowed = frozenset(Scope(s) for s in scopes if s in Scope._value2member_map_)
    kind = WebhookEvent(event.type)
    return {
        "id": str(event.id),
        "type": kind.value,
        "createdAt": event.created_at.isoformat(),
        "organisation": {"id": global_id("Organisation", event.organisation_id)},  # type: ignore[attr-defined]
        "data": await _BUILDERS[kind](event, allowed),
    }


def encode(document: dict[str, Any]) -> bytes:
    """The exact bytes that are signed and sent."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()
