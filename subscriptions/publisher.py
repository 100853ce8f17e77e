"""Publishing stored events on the broadcast, after commit.

The broadcast message is a small JSON string with ids only,
`{"id": 12, "type": "message.added", "topic": "conversation:3", "organisation_id": 1}`, sent
on the channel `<prefix>organisation-events:<organisation id>`: what the live feed of each
process listens to (`subscriptions.feed`; every live subscription listens through its feed,
so nothing listens on an event's own or audience topics and nothing is sent there: one
PUBLISH per event). It is only a wake-up call: the feeds read the event table for what is
new, so a lost or late broadcast delays delivery but never loses anything.

A failed publication is logged and leaves `published_at` empty; the relay publishes it again.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence

from services import clock
from services.events import StoredEvent, mark_published
from subscriptions.broadcast import Broadcast

logger = logging.getLogger(__name__)


def feed_topic(organisation_id: int) -> str:
    """The topic every event of an organisation is published on (what the live feeds hear)."""
    return f"organisation-events:{organisation_id}"


def encode(event: StoredEvent) -> str:
    """The broadcast message of an event: ids only."""
    return json.dumps(
        {
            "id": event.id,
            "type": event.type,
            "topic": event.topic,
            "organisation_id": event.organisation_id,
        },
        separators=(",", ":"),
    )


def decode(message: str) -> dict | None:
    """A broadcast message back to a dict, or None when it is not one of ours."""
    try:
        data = json.loads(message)
    except (TypeError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        return None
    return data


class BroadcastPublisher:
    """The `services.events.Publisher` of the server: broadcast, then note `published_at`."""

    def __init__(self, broadcast: Callable[[], Broadcast | None], prefix: str) -> None:
        self._broadcast = broadcast
        self.prefix = prefix

    def channel(self, topic: str) -> str:
        return f"{self.prefix}{topic}"

    async def publish(self, event: StoredEvent) -> None:
        await self.publish_many([event])

    async def publish_many(self, events: Sequence[StoredEvent]) -> list[int]:
        """Publish in order; stop at the first failure. Returns the ids that went out."""
        broadcast = self._broadcast()
        done: list[int] = []
        for event in events:
            message = encode(event)
            try:
                if broadcast is None:
                    raise RuntimeError("the broadcast is not connected")
                await broadcast.publish(self.channel(feed_topic(event.organisation_id)), message)
            except Exception as exc:  # Redis down, not connected yet: the relay retries
                logger.warning(
                    "could not publish event %s (%s); the relay will retry: %s",
                    event.id,
                    event.type,
                    exc,
                )
                break
            done.append(event.id)
        try:
            await mark_published(done, clock.now())
        except Exception:
            logger.exception("could not mark events %s as published", done)
        return done
