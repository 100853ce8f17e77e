"""Direct delivery: live subscriptions without a task, a generator or an execution of their own.

A subscription delivered the usual way is an asyncio task per operation, parked in an async
generator chain (strawberry, graphql-core, `subscriptions.live`), woken for every event and
executing its selection with graphql-core: ~500 µs of CPU per delivery and tens of KB per
idle socket. A live field that offers a `DirectForm` is instead handed over, right after it
took its tap on the organisation's feed, when it runs on one of our graphql-transport-ws
connections and its selection compiles to a `Projection`:

- its operation task ends (no `complete` is sent: the operation goes on); what is left is a
  `Delivery` record on the tap, and one timer for its next poll or session expiry;
- the feed collects its events in each batch; `prepare` loads, per batch, one session
  check for all receivers (as before) and one `form.share` per live field (e.g. the
  messages with who may read them), while the feed reads on; then `send`, without any
  await and in the feed's order of batches, per receiver
  an authorisation check (`form.allows`: a set lookup), the payload rendered once per event
  and selection for all receivers, and the frame written through the connection's
  `Outbox`: a socket's frames of one batch together, at its last, in one write (a staff
  member hears every conversation of their groups: in a rush a batch holds several);
- replay from `after`, catching up when the scope changes (checked every
  `LIVE_POLL_SECONDS`), session expiry (4401), revocation (4401, per batch) and slow
  clients (4013) keep the guarantees of `subscriptions.live`: every event once, in id order
  (`Tap.delivered` is the last id sent, checked at every send), only to viewers allowed.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from graphql import GraphQLError

import settings
from schema.errors import INTERNAL, coded, service_unavailable
from services import auth, clock, json_text
from services.events import StoredEvent, events_after
from subscriptions.feed import Batch, Tap
from subscriptions.outbox import Outbox
from subscriptions.projection import Projection, ProjectionError, compile_projection

logger = logging.getLogger(__name__)

S = TypeVar("S")

# WebSocket close codes of live connections (also used by subscriptions.live and .ws).
CLOSE_SESSION_ENDED = 4401
CLOSE_TOO_SLOW = 4013
_BATCH = 100
_ATTEMPTS = 3
_RETRY_SECONDS = 0.5


@dataclass(slots=True)
class Counters:
    """This process's direct delivery, for /metrics."""

    subscriptions: int = 0  # open now
    handed_over: int = 0  # since start
    frames: int = 0  # `next` frames written since start


counters = Counters()


@dataclass(frozen=True, eq=False, slots=True)
class DirectForm(Generic[S]):
    """How a live field delivers without a task: `share(organisation, events, kept, uses)`
    loads what every receiver of the events needs, once (event id -> shared value; missing:
    nobody gets it), and may keep things in `kept` for the feed's next batches (`Feed.kept`);
    `uses` names the `prepared` fields the receivers' selections read (what else they need
    is the same for all: the rest of `share`'s work does not depend on it);
    `allows(shared, principal)` says whether this viewer may have it (no I/O);
    `root(event, shared)` is the value the selection is projected from (the same for every
    viewer); `prepared` reads fields whose resolvers would load what `share` loaded."""

    share: Callable[
        [int, list[StoredEvent], dict[Any, Any], frozenset[str]], Awaitable[Mapping[int, S]]
    ]
    allows: Callable[[S, Any], bool]
    root: Callable[[StoredEvent, S], Any]
    prepared: Mapping[str, Callable[[Any], Any]]


class Connection(Protocol):
    """What a WebSocket handler offers its direct deliveries (`subscriptions.ws`)."""

    deliveries: dict[str, Delivery]

    @property
    def outbox(self) -> Outbox: ...

    def close_socket(self, code: int, reason: str) -> None: ...

    def forget(self, operation_id: str) -> None: ...


# The connection and operation id of the operation task running now (set by the handler).
running: ContextVar[tuple[Connection, str] | None] = ContextVar("direct_running", default=None)


class Delivery:
    """One subscription in direct delivery (see the module docstring)."""

    __slots__ = (
        "_closed",
        "_due_at",
        "_prefix",
        "_released",
        "_task",
        "connection",
        "expires_at",
        "form",
        "next_poll",
        "operation_id",
        "outbox",
        "principal",
        "projection",
        "scope",
        "scope_of",
        "tap",
    )

    def __init__(
        self,
        connection: Connection,
        operation_id: str,
        principal: Any,
        form: DirectForm[Any],
        projection: Projection,
        tap: Tap,
        scope_of: Callable[[], Awaitable[Any]],
        scope: Any,
        expires_at: datetime,
        next_poll: float,
    ) -> None:
        self.connection = connection
        self.outbox = connection.outbox
        self.operation_id = operation_id
        self.principal = principal
        self.form = form
        self.projection = projection
        self.tap = tap
        self.scope_of = scope_of
        self.scope = scope
        self.expires_at = expires_at
        self.next_poll = next_poll
        self._prefix = '{"id":' + json.dumps(operation_id) + ',"type":"next","payload":'
        self._due_at = 0.0  # (loop time) when `_due` runs next; 0: not scheduled
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        self._released = False

    # -- sending ---------------------------------------------------------------------------

    def frame(self, event: StoredEvent, shared: Any, rendered: dict[Projection, str]) -> str | None:
        """The frame delivering one event (at most once, in id order), or None. `rendered`
        holds the payload texts of this event made so far, per projection (the other
        receivers of the event with the same selection write the same text)."""
        tap = self.tap
        if self._closed or event.id <= tap.delivered:
            return None
        tap.delivered = event.id
        if shared is None or not self.form.allows(shared, self.principal):
            return None
        projection = self.projection
        text = rendered.get(projection)
        if text is None:
            try:
                text = projection.render(self.form.root(event, shared))
            except ProjectionError:
                logger.exception("live event %s does not fit its selection", event.id)
                text = _dumps({"data": None, "errors": [_internal().formatted]})
            rendered[projection] = text
        return self._prefix + text + "}"

    async def _send_own(self, events: list[StoredEvent]) -> None:
        """Events read for this subscription alone (replay, catching up): one write."""
        if not await auth.session_is_live(self.principal.session_id):
            raise _Ended("Session ended")
        shared = await self.form.share(
            self.principal.organisation_id, events, self.tap.kept, self.projection.uses
        )
        texts = []
        for event in events:
            text = self.frame(event, shared.get(event.id), {})
            if text is not None:
                texts.append(text)
        self.outbox.put_many(texts)
        counters.frames += len(texts)

    # -- life cycle ------------------------------------------------------------------------

    def start(self, last: int) -> None:
        counters.subscriptions += 1
        counters.handed_over += 1
        self.tap.delivered = last
        self._run(self._begin())

    async def _begin(self) -> None:
        await self._catch_up()
        self._schedule()

    async def _catch_up(self) -> None:
        """From the table up to where the feed stands, then what the tap queued meanwhile;
        then (with no await in between) the feed's direct delivery takes over."""
        tap = self.tap
        tap.sink = None
        until = tap.position
        organisation_id = self.principal.organisation_id
        while tap.delivered < until and not self._closed:
            topics, types = self.scope.topics, self.scope.types
            events = await events_after(organisation_id, topics, types, tap.delivered, _BATCH)
            if events:
                await self._send_own(events)
            if len(events) < _BATCH:
                break
        while not self._closed:
            queued = [event for event, _ in tap.take_all()]
            if not queued:
                tap.sink = self
                return
            fresh = [event for event in queued if event.id > tap.delivered]
            if fresh:
                await self._send_own(fresh)

    def _schedule(self) -> None:
        if self._closed:
            return
        loop = asyncio.get_running_loop()
        expiry = loop.time() + (self.expires_at - clock.now()).total_seconds()
        self._due_at = min(self.next_poll, expiry)
        _timers.at(self._due_at, self)

    def _due(self) -> None:
        self._due_at = 0.0
        self._run(self._poll())

    async def _poll(self) -> None:
        """Session expiry; every LIVE_POLL_SECONDS the session and the scope again."""
        loop = asyncio.get_running_loop()
        if clock.now() >= self.expires_at:
            raise _Ended("Session expired")
        if loop.time() >= self.next_poll:
            self.next_poll = loop.time() + settings.LIVE_POLL_SECONDS
            if not await auth.session_is_live(self.principal.session_id):
                raise _Ended("Session ended")
            fresh = await self.scope_of()
            if fresh != self.scope:
                # New topics: the table gives what they had since the last event sent.
                self.tap.sink = None
                self.tap.retarget(fresh.topics, fresh.types)
                self.scope = fresh
                await self._catch_up()
        self._schedule()

    def _run(self, work: Awaitable[None]) -> None:
        self._task = asyncio.ensure_future(self._guard(work))

    async def _guard(self, work: Awaitable[None]) -> None:
        """Run a step; its ending (session ended, access lost, failure) ends the delivery."""
        try:
            await work
        except asyncio.CancelledError:
            raise
        except _Ended as ended:
            self.end_session(str(ended))
        except GraphQLError as error:  # access lost: as the task path, an error then complete
            await self.finish(error)
        except Exception:
            logger.exception("direct delivery of operation %s failed", self.operation_id)
            await self.finish(service_unavailable())
        finally:
            if self._task is asyncio.current_task():
                self._task = None

    def end_session(self, reason: str) -> None:
        """The session ended: the socket closes with 4401 (every operation ends with it)."""
        if not self._closed:
            self._closed = True
            self.connection.close_socket(CLOSE_SESSION_ENDED, reason)

    def fail(self) -> None:
        """The shared work of a batch failed for good: end with SERVICE_UNAVAILABLE (the
        client resubscribes with `after`)."""
        if not self._closed:
            task = asyncio.ensure_future(self.finish(service_unavailable()))
            _background.add(task)
            task.add_done_callback(_background.discard)

    async def finish(self, error: GraphQLError) -> None:
        """End the operation with `error` (as a `next` with errors, then `complete`)."""
        if self._closed:
            return
        outbox = self.outbox
        outbox.put(self._prefix + _dumps({"data": None, "errors": [error.formatted]}) + "}")
        outbox.put(_dumps({"id": self.operation_id, "type": "complete"}))
        self.connection.forget(self.operation_id)
        await self.close()

    async def close(self) -> None:
        """Stop delivering (the client completed, the socket closed)."""
        self._closed = True
        self._due_at = 0.0
        task, self._task = self._task, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
        if not self._released:
            self._released = True
            counters.subscriptions -= 1
            self.tap.sink = None
            await self.tap.close()


class _Ended(Exception):
    """The session ended or expired."""


_background: set[asyncio.Task[None]] = set()


class _Timers:
    """One timer for every direct delivery of the process (a TimerHandle each is ~0.5 KB per
    idle socket): a heap of (when, n, delivery) and one handle for the earliest."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Delivery]] = []
        self._count = itertools.count()
        self._handle: asyncio.TimerHandle | None = None
        self._handle_at = 0.0
        self._loop: asyncio.AbstractEventLoop | None = None

    def at(self, when: float, delivery: Delivery) -> None:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # (a new event loop: tests)
            self._loop, self._heap, self._handle = loop, [], None
        heapq.heappush(self._heap, (when, next(self._count), delivery))
        handle = self._handle
        if handle is None or when < self._handle_at or handle.cancelled():
            if handle is not None:
                handle.cancel()
            self._handle_at = when
            self._handle = loop.call_at(when, self._fire)

    def _fire(self) -> None:
        self._handle = None
        loop = asyncio.get_running_loop()
        now = loop.time()
        heap = self._heap
        while heap and heap[0][0] <= now:
            when, _, delivery = heapq.heappop(heap)
            if delivery._due_at == when and not delivery._closed:  # not moved or closed since
                delivery._due()
        # Entries of closed deliveries wait for their turn; none is kept past it.
        if heap:
            self._handle_at = heap[0][0]
            self._handle = loop.call_at(self._handle_at, self._fire)


_timers = _Timers()


def hand_over(
    info: Any,
    tap: Tap,
    form: DirectForm[Any],
    scope_of: Callable[[], Awaitable[Any]],
    scope: Any,
    last: int,
    expires_at: datetime,
    next_poll: float,
) -> bool:
    """Take a subscription over (True: its task must end now, without closing its tap),
    when it runs on a connection that can deliver directly and its selection projects."""
    current = running.get()
    if current is None:
        return False
    raw = info._raw_info
    if len(raw.field_nodes) != 1:
        return False
    projection = projection_of(raw, form.prepared)
    if projection is None:
        return False
    connection, operation_id = current
    if operation_id in connection.deliveries:
        return False
    delivery = Delivery(
        connection,
        operation_id,
        info.context.principal,
        form,
        projection,
        tap,
        scope_of,
        scope,
        expires_at,
        next_poll,
    )
    connection.deliveries[operation_id] = delivery
    delivery.start(last)
    return True


_projections: dict[tuple[int, int], tuple[Any, Projection | None]] = {}


def projection_of(raw: Any, prepared: Mapping[str, Callable[[Any], Any]]) -> Projection | None:
    """The projection of a live field's selection, compiled once per parsed document (the
    parser cache hands out the same nodes for the same text)."""
    node = raw.field_nodes[0]
    key = (id(node), id(prepared))
    known = _projections.get(key)
    if known is not None and known[0] is node:
        return known[1]
    if len(_projections) > 1000:
        _projections.clear()
    projection = compile_projection(raw.return_type, node, raw.fragments, prepared)
    _projections[key] = (node, projection)
    return projection


@dataclass(slots=True)
class Prepared:
    """What a batch's receivers need, loaded once: the live sessions among them and, per
    form, its shared values (event id -> value)."""

    live: set[int]
    shared: dict[DirectForm[Any], Mapping[int, Any]]


async def prepare(organisation_id: int, batch: Batch, kept: dict[Any, Any]) -> Prepared | None:
    """Load what `send` needs for a feed batch (None: it failed for good, and every receiver
    was told so); `kept` is what the forms keep between the feed's batches (`Feed.kept`).
    Awaiting it may overlap the feed's next read."""
    pairs = batch.direct
    wanted: dict[DirectForm[Any], dict[int, StoredEvent]] = {}
    projections: dict[DirectForm[Any], set[Projection]] = {}
    for event, tap in pairs:
        sink = tap.sink
        if sink is not None:
            wanted.setdefault(sink.form, {})[event.id] = event
            projections.setdefault(sink.form, set()).add(sink.projection)
    forms = list(wanted)
    uses = {f: frozenset().union(*(p.uses for p in projections[f])) for f in forms}
    for attempt in range(_ATTEMPTS):
        try:
            sessions = (
                asyncio.shield(batch.sessions())
                if attempt == 0
                else auth.live_sessions(batch.session_ids)
            )
            found = await asyncio.gather(
                sessions,
                *(f.share(organisation_id, list(wanted[f].values()), kept, uses[f]) for f in forms),
            )
            return Prepared(found[0], dict(zip(forms, found[1:], strict=True)))
        except Exception:
            first, last = pairs[0][0].id, pairs[-1][0].id
            logger.exception("live events %s..%s not delivered yet", first, last)
            if attempt == _ATTEMPTS - 1:
                for _, tap in pairs:
                    if tap.sink is not None:
                        tap.sink.fail()
                return None
            await asyncio.sleep(_RETRY_SECONDS)
    return None


def send(batch: Batch, prepared: Prepared) -> None:
    """Write a prepared batch to its receivers, without any await (batches go out in the
    feed's order: it sends one before it dispatches the next). A socket's frames go out
    together at its last one in the batch (`Outbox.add`): one write."""
    live, shared = prepared.live, prepared.shared
    due: dict[Outbox, int] = {}  # per socket: the batch's deliveries not made yet
    for _, tap in batch.direct:
        if tap.sink is not None:
            outbox = tap.sink.outbox
            due[outbox] = due.get(outbox, 0) + 1
    frames = 0
    current: StoredEvent | None = None
    rendered: dict[Projection, str] = {}
    holding: list[Outbox] = []
    try:
        for event, tap in batch.direct:  # (each event's receivers one after another)
            delivery = tap.sink
            if delivery is None:
                continue  # catching up: it reads this event from the table
            outbox = delivery.outbox
            left = due[outbox] = due[outbox] - 1
            text = None
            if tap.session_id not in live:
                delivery.end_session("Session ended")
            else:
                if event is not current:
                    current, rendered = event, {}
                values = shared.get(delivery.form)
                value = values.get(event.id) if values is not None else None
                text = delivery.frame(event, value, rendered)
            if text is not None:
                frames += 1
                outbox.add(text, left == 0, holding)
            elif left == 0:
                outbox.flush()
    finally:
        for outbox in holding:  # (none left unless something failed)
            outbox.flush()
        counters.frames += frames


def _internal() -> GraphQLError:
    return coded(INTERNAL, "Internal server error. / Er ging iets mis op de server.")


_dumps = json_text.dumps
