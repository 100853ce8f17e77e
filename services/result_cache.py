"""Cached answers that only events can change (issue 8: "caching what only events can change").

Every change a cacheable answer can show is recorded as an event in the transaction that
makes it (`services.events.record`), and event ids become visible in id order per
organisation. So an answer computed after the newest event id of the parent's topics was
read as W shows every change up to W; while that newest id is still W, nothing it shows
changed. (Ids in id order per organisation: an event on those topics that was not visible
when W was read gets an id above W, so it moves the watermark once it commits.)

The parent's topics (`parent_watermark`), the own `topic` of the events that can change a
parent's home answer (the fields in schema.result_cache.CACHEABLE):

- `child:<id>` of each of their children (guardianship, whatever the access window):
  photo posts (one `timeline.item_added` per child), diary entries written, edited and
  deleted (their card is on the child's timeline), a placement or mentor change;
- `group:<id>` and `location:<id>` of every placement of those children (running, future
  and ended: a post keeps naming the group it was posted in): a group's or location's name,
  care type or phone;
- `organisation:<id>`: anything that shows on every parent's answer (a staff member's name
  or photo: authors and mentors), news for the whole organisation;
- `user:<id>` of the parent: their own name.

Only the own topic counts, not the audience (`event_audience`): an audience names further
listeners (a diary entry of another child is also for its group's staff, a message also for
the child's family) and says nothing about what changed. So a diary entry or a message of
another family, even in the same group, leaves this parent's answers cached. A new write
that a cached answer shows must record its event on one of these topics (or the answer
shows it only after RESULT_CACHE_SECONDS); README "Performance", 5.

`schema.result_cache` keeps such answers per process:

- key: the session, the document (hash), operation name, variables, locale and the
  children the authentication statement found visible for the parent (the access window
  is applied there on every request, so a child that drops out changes the key);
- value: the answer's `data`, the watermark W read BEFORE it was computed (in the
  authentication statement of services.request_auth, which also checks the session on
  every request), and when it was computed;
- a hit needs the same watermark now and an age below RESULT_CACHE_SECONDS, which bounds
  what time alone changes (signed media addresses, today's placement and mentor).

Bounded by entries and bytes (least recently used first out). Time is `services.clock`.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services import clock


@dataclass(frozen=True, slots=True)
class Entry:
    data: dict[str, Any]
    watermark: int
    computed_at: datetime
    size: int


def document_hash(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


def cache_key(
    *,
    session_id: int,
    organisation_id: int,
    document: str,
    operation_name: str | None,
    variables: dict[str, Any] | None,
    locale: str,
    visible_child_ids: list[int],
) -> tuple:
    """What an answer depends on besides the organisation's events and the time."""
    return (
        session_id,
        organisation_id,
        document,
        operation_name or "",
        json.dumps(variables or {}, sort_keys=True, default=str),
        locale,
        tuple(sorted(visible_child_ids)),
    )


def parent_watermark(user_id: str, organisation_id: str) -> str:
    """An SQL expression (PostgreSQL and SQLite): the newest event id on the parent's topics
    (above), 0 when there is none. `user_id` and `organisation_id` are SQL expressions (the
    authentication statement embeds this). One descent of the index on event (topic, id) per
    topic, whatever the number of events: a handful per parent."""
    guardian = f"FROM guardianship g WHERE g.user_id = {user_id}"
    placed = (
        "FROM guardianship g JOIN placement p ON p.child_id = g.child_id "
        "JOIN childgroup cg ON cg.id = p.group_id "
        f"WHERE g.user_id = {user_id}"
    )
    topics = (
        f"SELECT 'child:' || g.child_id AS topic {guardian} "
        f"UNION SELECT 'group:' || p.group_id {placed} "
        f"UNION SELECT 'location:' || cg.location_id {placed} "
        f"UNION SELECT 'user:' || {user_id} "
        f"UNION SELECT 'organisation:' || {organisation_id}"
    )
    newest = "SELECT max(e.id) FROM event e WHERE e.topic = w.topic"
    return f"(SELECT COALESCE(max(n.id), 0) FROM (SELECT ({newest}) AS id FROM ({topics}) w) n)"


@dataclass
class Counters:
    hits: int = 0
    misses: int = 0
    stored: int = 0
    evicted: int = 0


class ResultCache:
    """Answers by key, least recently used first out, within `entries` and `max_bytes`."""

    def __init__(self, *, seconds: float, entries: int, max_bytes: int) -> None:
        self.seconds = seconds
        self.entries = entries
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple, Entry] = OrderedDict()
        self.bytes = 0
        self.counters = Counters()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: tuple, watermark: int) -> dict[str, Any] | None:
        """The cached data if computed at this watermark less than `seconds` ago."""
        entry = self._items.get(key)
        if entry is None:
            self.counters.misses += 1
            return None
        age = (clock.now() - entry.computed_at).total_seconds()
        if entry.watermark != watermark or not 0 <= age < self.seconds:
            self._drop(key)
            self.counters.misses += 1
            return None
        self._items.move_to_end(key)
        self.counters.hits += 1
        return entry.data

    def put(self, key: tuple, data: dict[str, Any], watermark: int, computed_at: datetime) -> bool:
        """Keep an answer (`watermark` read before it was computed, at `computed_at`)."""
        size = len(json.dumps(data, separators=(",", ":"), default=str))
        if size > self.max_bytes or self.entries <= 0:
            return False
        self._drop(key)
        self._items[key] = Entry(data, watermark, computed_at, size)
        self.bytes += size
        self.counters.stored += 1
        while len(self._items) > self.entries or self.bytes > self.max_bytes:
            oldest = next(iter(self._items))
            self._drop(oldest)
            self.counters.evicted += 1
        return True

    def clear(self) -> None:
        self._items.clear()
        self.bytes = 0
        self.counters = Counters()

    def _drop(self, key: tuple) -> None:
        entry = self._items.pop(key, None)
        if entry is not None:
            self.bytes -= entry.size
