"""The events an endpoint can subscribe to, and the scope each needs.

The public name is the event type recorded in the event log (services.events), so a
subscriber reads the same names in our docs, the payload and the `Ouderlink-Event-Type`
header.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from services.token_principal import Scope


class WebhookEvent(StrEnum):
    DAY_REQUEST_CREATED = "day_request.created"
    DAY_REQUEST_DECIDED = "day_request.decided"
    DAY_REQUEST_EXPIRED = "day_request.expired"
    ABSENCE_REPORTED = "absence.reported"
    NEWS_PUBLISHED = "news.published"


# Absences change who is there on a day: they are occupancy figures, not requests.
REQUIRED_SCOPE: dict[WebhookEvent, Scope] = {
    WebhookEvent.DAY_REQUEST_CREATED: Scope.REQUESTS,
    WebhookEvent.DAY_REQUEST_DECIDED: Scope.REQUESTS,
    WebhookEvent.DAY_REQUEST_EXPIRED: Scope.REQUESTS,
    WebhookEvent.ABSENCE_REPORTED: Scope.OCCUPANCY,
    WebhookEvent.NEWS_PUBLISHED: Scope.NEWS,
}

EVENT_TYPES: frozenset[str] = frozenset(e.value for e in WebhookEvent)


def missing_scopes(events: Iterable[WebhookEvent], scopes: Iterable[Scope]) -> set[Scope]:
    """The scopes the chosen events need that are not among `scopes`."""
    return {REQUIRED_SCOPE[e] for e in events} - set(scopes)


def allowed(event_type: str, event_types: Iterable[str], scopes: Iterable[str]) -> bool:
    """Whether an endpoint subscribed to `event_types` with `scopes` may get this event."""
    if event_type not in EVENT_TYPES or event_type not in set(event_types):
        return False
    return REQUIRED_SCOPE[WebhookEvent(event_type)].value in set(scopes)
