"""One reader of the event table per organisation and process, fanning events out to taps.

Every live subscription of a process used to read the event table (and check its session)
on every wake-up by itself: with thousands of subscribers that is thousands of queries per
event. Instead, per organisation with at least one live subscription in this process:

- the `Feed` listens to ONE broadcast channel, `organisation-events:<id>` (the publisher
  sends every event there as well as on its topics), and on every wake-up (or every
  `LIVE_FEED_POLL_SECONDS`, in case a broadcast was lost) reads the organisation's events
  after the last one it read, in id order, with their audiences and the access epoch: one
  statement per batch;
- it hands each event to the `Tap`s (one per subscription) whose topics and types match,
  without awaiting anything between advancing `last` and handing out, so a tap made when
  the feed stood at `last` receives every event with a greater id;
- it checks the sessions of all receiving taps, in at most one query per batch: only those
  not known to stand as of the batch's access epoch (`Batch.sessions`,
  `services.kept_sessions`).

A tap with a `sink` (a subscription in direct delivery, `subscriptions.direct`) queues
nothing: the feed collects its events in the batch and has them delivered by `direct`
(shared work once per batch, no task per subscription), reading the next batch while the
shared work loads and sending each batch before it dispatches the next.

A tap holds at most `BROADCAST_QUEUE_SIZE` undelivered events; one more and the
subscription is told it is too slow (its socket is closed with 4013, it resumes with
`after`). The feed stops when its last tap leaves. Ordering, replay from the client's cursor
and authorisation stay in `subscriptions.live`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import settings
from services.events import EventBatch, StoredEvent, latest_event_id, organisation_batch_after
from services.kept_sessions import KeptSessions, live_sessions
from subscriptions import hub
from subscriptions.broadcast import Subscriber, SubscriberTooSlow, Unsubscribed
from subscriptions.publisher import decode, feed_topic

logger = logging.getLogger(__name__)

K = TypeVar("K")
V = TypeVar("V")

# Events per read, at most. Each batch costs up to three statements and work that does not
# grow with it (the statements' own cost, the organisation's rows): in a rush of events,
# 1,000-2,000 a batch took less of the machine per delivery than 500 (bench.live_delivery); a
# quiet feed reads what is there, so the size only matters in a rush. Never more than
# BROADCAST_QUEUE_SIZE (`_batch_size`): a subscriber handed a whole batch at once, as a
# dashboard following every event is, must not count as too slow for that alone.
_MAX_READ_BATCH = 2000
_RETRY_SECONDS = 0.5


@dataclass(eq=False, slots=True)
class Batch:
    """Events the feed read together; `sessions` resolves to the live session ids among
    the taps that received any of them (one query for those the feed does not know to
    stand as of the access epoch read with the events, `services.kept_sessions`)."""

    session_ids: set[int] = field(default_factory=set)
    # (event, tap) for taps in direct delivery, in the order the feed handed them out
    direct: list[tuple[StoredEvent, Tap]] = field(default_factory=list)
    epoch: int | None = None
    kept: KeptSessions | None = None
    _sessions: asyncio.Future[set[int]] | None = None

    def sessions(self) -> asyncio.Future[set[int]]:
        """The batch's one check, started by its first caller (shared: await it shielded)."""
        if self._sessions is None:
            self._sessions = asyncio.ensure_future(
                live_sessions(self.session_ids, self.kept, self.epoch)
            )
        return self._sessions


class Tap:
    """One subscription's place in a feed: the events it has still to deliver. Kept small
    (an idle one holds no queue and no future: thousands of them sit in every process)."""

    __slots__ = (
        "_feed",
        "_items",
        "_waiter",
        "delivered",
        "on_too_slow",
        "session_id",
        "sink",
        "topics",
        "types",
    )

    def __init__(
        self,
        feed: Feed,
        topics: frozenset[str],
        types: frozenset[str],
        session_id: int,
        on_too_slow: Callable[[], None],
    ) -> None:
        self._feed = feed
        self.topics: frozenset[str] = frozenset()
        self.types = types
        self.session_id = session_id
        self.on_too_slow = on_too_slow
        self._items: deque[tuple[StoredEvent, Batch]] | None = None
        self._waiter: asyncio.Future[None] | None = None
        # Direct delivery: who delivers this tap's events, and the last event id it sent.
        self.sink: Any = None
        self.delivered = 0
        self.retarget(topics, types)

    @property
    def kept(self) -> dict[Any, Any]:
        """What live fields keep between the feed's batches (`Feed.kept`)."""
        return self._feed.kept

    @property
    def position(self) -> int:
        """Every event with a greater id will be handed to this tap (if it matches)."""
        return self._feed.last

    def retarget(self, topics: frozenset[str], types: frozenset[str]) -> None:
        self._feed.index(self, self.topics, topics)
        self.topics, self.types = topics, types

    def offer(self, event: StoredEvent, batch: Batch) -> None:
        if self.sink is not None:
            batch.direct.append((event, self))
            return
        items = self._items
        if items is None:
            items = self._items = deque()
        if len(items) >= settings.BROADCAST_QUEUE_SIZE:
            self.on_too_slow()
            return
        items.append((event, batch))
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def next(self) -> tuple[StoredEvent, Batch] | None:
        """The oldest undelivered event, or None."""
        items = self._items
        if not items:
            self._items = None
            return None
        return items.popleft()

    def take_all(self) -> list[tuple[StoredEvent, Batch]]:
        """Every undelivered event, oldest first (the tap is empty afterwards)."""
        items, self._items = self._items, None
        return list(items) if items else []

    async def wait(self, seconds: float) -> None:
        """Until an event is offered, or for at most `seconds`."""
        if self._items:
            return
        loop = asyncio.get_running_loop()
        waiter = self._waiter = loop.create_future()
        # A timer that resolves the waiter costs less than asyncio.timeout (no cancellation).
        timer = loop.call_later(max(seconds, 0), _wake, waiter)
        try:
            await waiter
        finally:
            timer.cancel()
            self._waiter = None

    async def close(self) -> None:
        await self._feed.remove(self)


def _wake(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


class Feed:
    """The organisation's events for this process (see the module docstring)."""

    def __init__(self, organisation_id: int) -> None:
        self.organisation_id = organisation_id
        self.last = 0
        self.taps = 0
        self._by_topic: dict[str, set[Tap]] = {}
        self._task: asyncio.Task[None] | None = None
        # What live fields keep between this feed's batches (e.g. who may read each
        # conversation, `services.message_audience.KeptReaders`): dropped with the feed, and
        # when the event table rewinds.
        self.kept: dict[Any, Any] = {}
        self.loop = asyncio.get_running_loop()
        self._ready = self.loop.create_future()

    def index(self, tap: Tap, old: Iterable[str], new: Iterable[str]) -> None:
        new = set(new)
        for topic in set(old) - new:
            taps = self._by_topic.get(topic)
            if taps is not None:
                taps.discard(tap)
                if not taps:
                    del self._by_topic[topic]
        for topic in new:
            self._by_topic.setdefault(topic, set()).add(tap)

    async def remove(self, tap: Tap) -> None:
        self.index(tap, tap.topics, ())
        self.taps -= 1
        if self.taps == 0:
            if _feeds.get(self.organisation_id) is self:
                del _feeds[self.organisation_id]
            await self.stop()

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.wait([task])

    def dispatch(self, events: list[StoredEvent], epoch: int | None = None) -> Batch | None:
        """Advance `last` and hand the events out, without awaiting anything (`epoch`: the
        access epoch read with them)."""
        if not events:
            return None
        self.last = events[-1].id
        kept = self.kept.get(KeptSessions)
        if kept is None:
            kept = self.kept[KeptSessions] = KeptSessions()
        batch = Batch(epoch=epoch, kept=kept)
        for event in events:
            seen: set[Tap] = set()
            for topic in event.topics:
                for tap in self._by_topic.get(topic, ()):
                    if tap not in seen and event.type in tap.types:
                        seen.add(tap)
                        batch.session_ids.add(tap.session_id)
                        tap.offer(event, batch)
        return batch

    async def _run(self) -> None:
        """Subscribe, note where the table stands, then read after every wake-up."""
        try:
            async with contextlib.AsyncExitStack() as stack:
                subscriber = await self._subscribe(stack)
                self.last = await latest_event_id(self.organisation_id)
                self._ready.set_result(None)
                while True:
                    subscriber, replayed = await self._wait(subscriber, stack)
                    if not await self._read_all() and replayed:
                        await self._check_rewound()
        except BaseException as exc:
            if not self._ready.done():
                self._ready.set_exception(exc)
            raise

    async def _subscribe(self, stack: contextlib.AsyncExitStack) -> Subscriber:
        channel = hub.channel(feed_topic(self.organisation_id))
        return await stack.enter_async_context(hub.broadcast().subscribe(channel, wakeups=True))

    async def _wait(
        self, subscriber: Subscriber, stack: contextlib.AsyncExitStack
    ) -> tuple[Subscriber, bool]:
        """Until a wake-up (and every one since: the first and the latest are kept) or the
        poll time. Also says whether a wake-up was for an event the feed has read already."""
        old = False
        try:
            async with asyncio.timeout(settings.LIVE_FEED_POLL_SECONDS):
                items = [await subscriber.get(), *subscriber.drain()]
            for item in items:
                data = decode(item.message)
                old = old or (data is not None and data["id"] <= self.last)
        except TimeoutError:
            pass
        except (SubscriberTooSlow, Unsubscribed):  # dropped or disconnected: listen again
            await stack.aclose()
            while True:
                try:
                    return await self._subscribe(stack), False
                except Exception as exc:
                    logger.warning("event feed could not listen again: %s", exc)
                    await asyncio.sleep(_RETRY_SECONDS)
        return subscriber, old

    async def _check_rewound(self) -> None:
        """A wake-up for an event already read is usually the relay publishing one again;
        but when the table was emptied and its ids restarted (a test database), read it
        again from the start."""
        with contextlib.suppress(Exception):
            if await latest_event_id(self.organisation_id) < self.last:
                logger.warning("event table of organisation %s rewound", self.organisation_id)
                self.last = 0
                self.kept = {}
                await self._read_all()

    async def _read_all(self) -> int:
        """Read and hand out everything new; returns how many events there were.

        Pipelined, so that PostgreSQL's part of the work overlaps ours: while a batch's
        shared work loads (`direct.prepare`: sessions, messages and who may read them), the
        next batch is read, dispatched and starts loading its own; batches are sent in order
        (`direct.send`), so every tap gets its events in id order, each once."""
        from subscriptions import direct  # (it builds on this module)

        total = 0
        read = await self._read(self.last)
        current = self._start(read, direct)
        try:
            while True:
                total += len(read.events)
                following = None
                if len(read.events) == _batch_size():
                    read = await self._read(self.last)
                    following = self._start(read, direct)
                batch, preparing = current
                if preparing is not None:
                    prepared = await preparing
                    if prepared is not None:
                        direct.send(batch, prepared)  # type: ignore[arg-type]
                if following is None:
                    return total
                current = following
        finally:  # (cancelled: the feed stops)
            for _, pending in (current, following or (None, None)):
                if pending is not None and not pending.done():
                    pending.cancel()

    def _start(
        self, read: EventBatch, direct: Any
    ) -> tuple[Batch | None, asyncio.Future[Any] | None]:
        """Dispatch a batch and start loading what its direct receivers need."""
        batch = self.dispatch(read.events, read.epoch)
        if batch is None or not batch.direct:
            return batch, None
        return batch, asyncio.ensure_future(direct.prepare(self.organisation_id, batch, self.kept))

    async def _read(self, after: int) -> EventBatch:
        """The next batch of the organisation's events, retried until the table answers."""
        while True:
            try:
                return await organisation_batch_after(self.organisation_id, after, _batch_size())
            except Exception:
                logger.exception("event feed could not read the event table; retrying")
                await asyncio.sleep(_RETRY_SECONDS)


def _batch_size() -> int:
    return max(1, min(_MAX_READ_BATCH, settings.BROADCAST_QUEUE_SIZE))


_feeds: dict[int, Feed] = {}


async def tap(
    organisation_id: int,
    topics: frozenset[str],
    types: frozenset[str],
    session_id: int,
    on_too_slow: Callable[[], None],
) -> Tap:
    """A tap on the organisation's feed (started here if needed). Raises when the broadcast
    is not connected or does not confirm the subscription."""
    feed = _feeds.get(organisation_id)
    if feed is None or feed.loop is not asyncio.get_running_loop():  # (tests: a new loop)
        feed = _feeds[organisation_id] = Feed(organisation_id)
        feed._task = asyncio.create_task(feed._run(), name=f"event-feed {organisation_id}")
    feed.taps += 1
    try:
        await asyncio.shield(feed._ready)
    except BaseException:
        feed.taps -= 1
        if feed.taps == 0:
            if _feeds.get(organisation_id) is feed:
                del _feeds[organisation_id]
            await feed.stop()
        raise
    return Tap(feed, topics, types, session_id, on_too_slow)


class SharedLoader(Generic[K, V]):
    """Per-event work shared by every subscription of the process that delivers the event:
    the feed hands one `StoredEvent` object to all its taps, and `load(event, key)` computes
    once per such object (a replayed event, read by one subscription, is its own object).
    Keys asked for in the same turn of the event loop (the subscriptions a feed batch woke)
    are loaded together by `load_many`."""

    def __init__(self, load_many: Callable[[list[K]], Awaitable[dict[K, V]]]) -> None:
        self._load_many = load_many
        # id(event) -> (when, the event (so its id is not reused meanwhile), the result)
        self._cache: dict[int, tuple[float, StoredEvent, asyncio.Future[V | None]]] = {}
        self._pending: dict[K, asyncio.Future[V | None]] = {}

    async def load(self, event: StoredEvent, key: K) -> V | None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        hit = self._cache.get(id(event))
        if hit is None or hit[1] is not event or hit[2].get_loop() is not loop:
            if len(self._cache) > _SHARED_PRUNE_AT:
                self._prune(now)
            if not self._pending:
                loop.call_soon(self._dispatch)
            future = self._pending.get(key)
            if future is None:
                future = self._pending[key] = loop.create_future()
            self._cache.pop(id(event), None)  # (re)inserted last: the dict stays in time order
            hit = self._cache[id(event)] = (now, event, future)
        return await asyncio.shield(hit[2])

    def _prune(self, now: float) -> None:
        """Drop entries older than `_KEEP` (the oldest come first: dicts keep their order)."""
        old = []
        for key, (at, _, _) in self._cache.items():
            if now - at <= _KEEP:
                break
            old.append(key)
        for key in old:
            del self._cache[key]

    def _dispatch(self) -> None:
        pending, self._pending = self._pending, {}
        if pending:
            task = asyncio.ensure_future(self._run(pending))
            _running.add(task)
            task.add_done_callback(_running.discard)

    async def _run(self, pending: dict[K, asyncio.Future[V | None]]) -> None:
        try:
            found = await self._load_many(list(pending))
        except Exception as exc:
            for future in pending.values():
                if not future.done():
                    future.set_exception(exc)
                    future.exception()  # retrieved: every waiter gets it anyway
            return
        for key, future in pending.items():
            if not future.done():
                future.set_result(found.get(key))


_running: set[asyncio.Task[None]] = set()
_KEEP = 2.0  # seconds an entry is kept once there are many
_SHARED_PRUNE_AT = 256
