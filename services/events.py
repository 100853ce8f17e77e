"""Domain events: stored in the event table (outbox) inside the transaction of the change
they record, then published after commit by an injected publisher (cosmicpython style).

Usage in a service:

    async with in_transaction() as conn:
        message = await Message.create(..., using_db=conn)
        event = await record(MessageAdded(...), conn)
    await publisher.publish(event)  # after commit: ids only

Subscribers listen per topic; a reconnecting client replays `Event` rows with id > cursor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from tortoise.backends.base.client import BaseDBAsyncClient

from models import Event


@dataclass(frozen=True, slots=True)
class DomainEvent:
    """Something that happened. `payload` carries ids only, never personal data."""

    type: str
    topic: str
    organisation_id: int
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """A recorded event with its id: the cursor clients resume from."""

    id: int
    type: str
    topic: str
    organisation_id: int
    payload: dict[str, Any]


async def record(event: DomainEvent, conn: BaseDBAsyncClient | None = None) -> StoredEvent:
    """Write the event row; call inside the transaction of the change it records."""
    row = await Event.create(
        organisation_id=event.organisation_id,
        type=event.type,
        topic=event.topic,
        payload=event.payload,
        using_db=conn,
    )
    return StoredEvent(row.id, event.type, event.topic, event.organisation_id, event.payload)


class Publisher(Protocol):
    """Publishes stored events after commit (the broadcast, in the server)."""

    async def publish(self, event: StoredEvent) -> None: ...


class NullPublisher:
    """Publishes nothing: for scripts (demo data) where nobody listens."""

    async def publish(self, event: StoredEvent) -> None:
        return None
