"""Domain events: stored in the event table (outbox) inside the transaction of the change
they record, then published after commit by an injected publisher (cosmicpython style).

Usage in a service:

    async with in_transaction() as conn:
        message = await Message.create(..., using_db=conn)
        event = await record(MessageAdded(...), conn)  # last statement before commit
    await publisher.publish(event)  # after commit: ids only

Subscribers listen per topic; a reconnecting client replays `Event` rows with id > cursor.

Event ids are the resume cursor, so they must become visible in id order: a subscriber that
has seen event 101 must never later find a committed event 100 on its topics. SQLite has
one writer at a time; on PostgreSQL `record` takes a per-organisation advisory lock that is
held until the transaction ends, so the next event of that organisation gets its id only
after this one committed (subscriptions never span organisations). Keep `record` the last
statement of the transaction: the lock serialises the rest of it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple, Protocol

import orjson
from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q

from models import Event, EventAudience

# First key of the two-key advisory lock: "ouderlink events" (the second is the organisation).
_EVENT_LOCK_KEY = 0x0E7E


@dataclass(frozen=True, slots=True)
class DomainEvent:
    """Something that happened. `payload` carries ids only, never personal data.

    `audience` names further topics the event is addressed to (e.g. a message on
    `conversation:3` is also for `child:7` and `group:2`).
    """

    type: str
    topic: str
    organisation_id: int
    payload: dict[str, Any] = field(default_factory=dict)
    audience: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """A recorded event with its id: the cursor clients resume from."""

    id: int
    type: str
    topic: str
    organisation_id: int
    payload: dict[str, Any]
    audience: tuple[str, ...] = ()

    @property
    def topics(self) -> tuple[str, ...]:
        """Every topic the event is for: its own first, then its audience."""
        return (self.topic, *self.audience)

    @classmethod
    def read(
        cls,
        id: int,
        type: str,
        topic: str,
        organisation_id: int,
        payload: dict[str, Any],
        audience: tuple[str, ...],
    ) -> StoredEvent:
        """The same event as `StoredEvent(...)`, built through the slots themselves: a frozen
        dataclass sets each field with `object.__setattr__` (~1 µs for these six, against
        ~0.5 µs), and the live feed builds one for every event of every batch."""
        event = _new(cls)
        _SET_ID(event, id)
        _SET_TYPE(event, type)
        _SET_TOPIC(event, topic)
        _SET_ORGANISATION(event, organisation_id)
        _SET_PAYLOAD(event, payload)
        _SET_AUDIENCE(event, audience)
        return event


_new = object.__new__
_SET_ID, _SET_TYPE, _SET_TOPIC, _SET_ORGANISATION, _SET_PAYLOAD, _SET_AUDIENCE = (
    StoredEvent.__dict__[name].__set__
    for name in ("id", "type", "topic", "organisation_id", "payload", "audience")
)


async def lock_event_order(conn: BaseDBAsyncClient, organisation_id: int) -> None:
    """On PostgreSQL: hold the organisation's event lock until the transaction ends.

    `record` takes it; a service may take it earlier in the transaction so that the rows it
    inserts before the event (a message) also get their ids in commit order."""
    if conn.capabilities.dialect == "postgres":
        await conn.execute_query(
            "SELECT pg_advisory_xact_lock($1, $2)", [_EVENT_LOCK_KEY, organisation_id]
        )


async def record(
    event: DomainEvent, conn: BaseDBAsyncClient | None = None, *, locked: bool = False
) -> StoredEvent:
    """Write the event row; call inside the transaction of the change it records, last
    (`locked`: the transaction already holds the organisation's event lock)."""
    db = conn or connections.get("default")
    if not locked:
        await lock_event_order(db, event.organisation_id)
    audience = tuple(dict.fromkeys(t for t in event.audience if t != event.topic))
    row = await Event.create(
        organisation_id=event.organisation_id,
        type=event.type,
        topic=event.topic,
        payload=event.payload,
        audience_topics=audience_text(audience),
        using_db=db,
    )
    if audience:
        await EventAudience.bulk_create(
            [EventAudience(event_id=row.id, topic=t) for t in audience], using_db=db
        )
    return StoredEvent(
        row.id, event.type, event.topic, event.organisation_id, event.payload, audience
    )


class Publisher(Protocol):
    """Publishes stored events after commit (the broadcast, in the server)."""

    async def publish(self, event: StoredEvent) -> None: ...


class NullPublisher:
    """Publishes nothing: for scripts (demo data) where nobody listens."""

    async def publish(self, event: StoredEvent) -> None:
        return None


# -- reading the log back ----------------------------------------------------------------


def _as_stored(row: Event, audience: Sequence[str] = ()) -> StoredEvent:
    return StoredEvent(
        row.id,
        row.type,
        row.topic,
        row.organisation_id,  # type: ignore[attr-defined]
        dict(row.payload or {}),
        tuple(sorted(audience)),
    )


async def _stored(rows: Sequence[Event]) -> list[StoredEvent]:
    """Rows as StoredEvents, with their audiences (one query)."""
    audiences: dict[int, list[str]] = {}
    if rows:
        for event_id, topic in await EventAudience.filter(
            event_id__in=[r.id for r in rows]
        ).values_list("event_id", "topic"):
            audiences.setdefault(event_id, []).append(topic)
    return [_as_stored(r, audiences.get(r.id, ())) for r in rows]


async def events_after(
    organisation_id: int,
    topics: Iterable[str],
    types: Iterable[str],
    after: int,
    limit: int = 100,
) -> list[StoredEvent]:
    """Events of an organisation for any of `topics` (own topic or audience) and of one of
    `types`, with id > `after`, oldest first, at most `limit`. Their `audience` is left
    empty (subscribers know what they asked for): two or three queries."""
    wanted, kinds = sorted(set(topics)), sorted(set(types))
    if not wanted or not kinds:
        return []
    own, addressed = await asyncio.gather(
        Event.filter(
            organisation_id=organisation_id, topic__in=wanted, type__in=kinds, id__gt=after
        )
        .order_by("id")
        .limit(limit),
        EventAudience.filter(
            topic__in=wanted,
            event_id__gt=after,
            event__organisation_id=organisation_id,
            event__type__in=kinds,
        )
        .order_by("event_id")
        .limit(limit)
        .values_list("event_id", flat=True),
    )
    rows = {r.id: r for r in own}
    missing = sorted(set(addressed) - rows.keys())[:limit]
    if missing:
        rows.update({r.id: r for r in await Event.filter(id__in=missing)})
    return [_as_stored(rows[i]) for i in sorted(rows)[:limit]]


_FEED_SQL = {
    True: (  # PostgreSQL
        "SELECT e.id, e.type, e.topic, e.payload::text AS payload, e.audience_topics, "
        "(SELECT COALESCE((SELECT a.n FROM access_epoch a WHERE a.organisation_id = $1), 0))"
        " AS epoch FROM event e WHERE e.organisation_id = $1 AND e.id > $2 ORDER BY e.id LIMIT $3"
    ),
    False: (  # SQLite
        "SELECT e.id, e.type, e.topic, e.payload AS payload, e.audience_topics, "
        "COALESCE((SELECT a.n FROM access_epoch a WHERE a.organisation_id = ?1), 0) AS epoch "
        "FROM event e WHERE e.organisation_id = ?1 AND e.id > ?2 ORDER BY e.id LIMIT ?3"
    ),
}


def audience_text(topics: Iterable[str]) -> str:
    """`Event.audience_topics`: the audience's topics, sorted, separated by spaces (topics
    hold none: they are `<kind>:<id>`)."""
    found = sorted(topics)
    if any(len(topic.split()) != 1 for topic in found):
        raise ValueError(f"an event topic holds whitespace or is empty: {found}")
    return " ".join(found)


class EventBatch(NamedTuple):
    """Events read together, with the organisation's access epoch (`models.AccessEpoch`) as
    of the same snapshot (0 when it never moved; None when there are no events)."""

    events: list[StoredEvent]
    epoch: int | None


async def organisation_batch_after(
    organisation_id: int, after: int, limit: int = 500
) -> EventBatch:
    """Every event of an organisation with id > `after`, oldest first, at most `limit`, with
    their audiences, and the access epoch as of the same snapshot (for the live feed of a
    process): one statement, rows read as they come (the feed reads every event of every
    organisation with live subscribers: no models)."""
    connection = connections.get("default")
    postgres = connection.capabilities.dialect == "postgres"
    _, rows = await connection.execute_query(_FEED_SQL[postgres], [organisation_id, after, limit])
    loads = orjson.loads
    read = StoredEvent.read
    events = [
        read(
            row[0],
            row[1],
            row[2],
            organisation_id,
            loads(row[3]) if row[3] else {},
            tuple(row[4].split()) if row[4] else (),
        )
        for row in rows
    ]
    return EventBatch(events, rows[0][5] if rows else None)


async def latest_event_id(organisation_id: int) -> int:
    """The id of the organisation's newest event (0 when there is none): a resume cursor
    for "everything from now on"."""
    row = await Event.filter(organisation_id=organisation_id).order_by("-id").first()
    return row.id if row else 0


async def unpublished_events(created_before: datetime, limit: int = 500) -> list[StoredEvent]:
    """Events created before a moment whose publication was never confirmed, oldest first
    (for the relay: younger ones are still being published by the request that made them)."""
    rows = await (
        Event.filter(published_at__isnull=True, created_at__lt=created_before)
        .order_by("id")
        .limit(limit)
    )
    return await _stored(rows)


async def mark_published(event_ids: Sequence[int], at: datetime) -> None:
    """Note that these events were broadcast."""
    if event_ids:
        await Event.filter(Q(id__in=list(event_ids)), published_at__isnull=True).update(
            published_at=at
        )
