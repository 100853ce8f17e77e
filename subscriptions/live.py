"""Live events for subscriptions: one mechanism behind every live field.

A live field is a few lines (see `resolvers/live.py`):

    async def day_request_decided(info, after):
        scope = LiveScope.of({f"user:{principal.user_id}"}, {"day_request.decided"})
        async for event, node in live_events(info, lambda: fixed(scope), after, load):
            yield Edge(cursor=event_cursor(event.id), node=node)

How nothing is lost or repeated:
1. The broadcast channels of the scope's topics are subscribed FIRST.
2. Then the event table is read: events of those topics and types with id > the cursor
   (`after`; without one, the newest event id at subscription time), oldest first, in
   batches, and every event that `load` returns is yielded.
3. Then it waits for a broadcast wake-up (or `LIVE_POLL_SECONDS`) and reads the table again
   from the last event it saw. A broadcast message only says "something new": what is new is
   always read from the table, in id order. So events that arrive during the replay, that
   different processes publish out of order, or whose broadcast was lost while Redis
   reconnected are each delivered once, in order. Event ids become visible in id order
   (see `services.events`), so reading "id > last seen" never skips one.

Authorisation: every event is reloaded through `load`, the same authorised path a query
uses (with fresh DataLoaders per batch); None (no longer visible, e.g. a parent whose access
ended) skips it. The scope itself is re-evaluated on every poll (`LIVE_POLL_SECONDS`, each
subscription at its own moment): staff who joined a group start hearing it, a conversation
the viewer left ends the subscription with FORBIDDEN. The session is checked before every
batch of deliveries, on every poll and at the moment it expires: an expired or revoked
session closes the socket with 4401.

Back pressure: a subscriber that falls more than `BROADCAST_QUEUE_SIZE` wake-ups behind
(its client does not read) is disconnected with close code 4013; it reconnects with `after:`
and catches up from the table. Memory per subscriber stays constant meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from graphql import GraphQLError
from starlette.websockets import WebSocket, WebSocketState

import settings
from resolvers.dataloaders import Loaders
from schema.errors import bad_input, coded, forbidden, not_found, unauthenticated
from schema.relay import decode_cursor, encode_cursor
from services import auth, clock
from services.errors import AccessDenied
from services.events import StoredEvent, events_after, latest_event_id
from subscriptions import hub
from subscriptions.broadcast import Subscriber, SubscriberTooSlow
from subscriptions.publisher import decode
from subscriptions.redis_backend import RESUBSCRIBED

logger = logging.getLogger(__name__)

T = TypeVar("T")

CLOSE_SESSION_ENDED = 4401
CLOSE_TOO_SLOW = 4013
SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
_BATCH = 100


@dataclass(frozen=True)
class LiveScope:
    """What a subscription listens to: event topics and event types."""

    topics: frozenset[str]
    types: frozenset[str]

    @classmethod
    def of(cls, topics: Any, types: Any) -> LiveScope:
        return cls(frozenset(topics), frozenset(types))


ScopeOf = Callable[[], Awaitable[LiveScope]]
Load = Callable[[StoredEvent], Awaitable[T | None]]


def event_cursor(event_id: int) -> str:
    """The opaque resume cursor of an event (`after:` of every live field)."""
    return encode_cursor(f"event:{event_id}")


def parse_event_cursor(cursor: str) -> int:
    kind, _, raw = decode_cursor(cursor).partition(":")
    if kind != "event" or not raw.isdigit():
        raise bad_input("INVALID_CURSOR", "Ongeldige cursor.", "Invalid cursor.")
    return int(raw)


class _Listener:
    """Broadcast wake-ups for a set of topics: one pump task per channel that only counts."""

    def __init__(self, types: frozenset[str], on_too_slow: Callable[[], None]) -> None:
        self.types = types
        self.last = 0  # the newest event id the subscription has read already
        self._on_too_slow = on_too_slow
        self._wake = asyncio.Event()
        self._backlog = 0
        self._channels: dict[str, tuple[contextlib.AsyncExitStack, asyncio.Task]] = {}

    async def listen(self, topics: frozenset[str]) -> None:
        """Subscribe to the channels of `topics` (returns once they are confirmed) and
        leave the channels of topics no longer wanted."""
        wanted = {hub.channel(t) for t in topics}
        for name in [c for c in self._channels if c not in wanted]:
            await self._leave(name)
        broadcast = hub.broadcast()
        for name in sorted(wanted - self._channels.keys()):
            stack = contextlib.AsyncExitStack()
            try:
                subscriber = await stack.enter_async_context(broadcast.subscribe(name))
            except BaseException:
                await stack.aclose()
                raise
            task = asyncio.create_task(self._pump(subscriber), name=f"live-pump {name}")
            self._channels[name] = (stack, task)

    async def close(self) -> None:
        for name in list(self._channels):
            await self._leave(name)

    async def _leave(self, name: str) -> None:
        stack, task = self._channels.pop(name)
        task.cancel()
        await asyncio.wait([task])
        await stack.aclose()

    async def _pump(self, subscriber: Subscriber) -> None:
        try:
            async for item in subscriber:
                if item.message != RESUBSCRIBED:  # after a Redis reconnect: always look
                    data = decode(item.message)
                    if data is None or data.get("type") not in self.types:
                        continue
                    if data["id"] <= self.last:
                        continue
                self._backlog += 1
                self._wake.set()
                if self._backlog > settings.BROADCAST_QUEUE_SIZE:
                    self._on_too_slow()
                    return
        except SubscriberTooSlow:
            self._on_too_slow()

    def consume(self) -> None:
        """The table is about to be read: every wake-up so far is answered by that read."""
        self._backlog = 0
        self._wake.clear()

    async def wait(self, seconds: float) -> None:
        """Until a wake-up, or for at most `seconds`."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(max(seconds, 0)):
                await self._wake.wait()


async def _close_socket(info: Any, code: int, reason: str) -> None:
    """Close the client's WebSocket (all its subscriptions end with it)."""
    socket = info.context.request
    if isinstance(socket, WebSocket) and socket.application_state != WebSocketState.DISCONNECTED:
        with contextlib.suppress(Exception):
            await socket.close(code=code, reason=reason)


def _close_in_background(info: Any, code: int, reason: str) -> None:
    """Close the socket from another task; the connection handler waits for it before it
    returns (see `subscriptions.ws`), so the close frame goes out even when it has to wait
    behind data the client has not read yet."""
    task = asyncio.create_task(_close_socket(info, code, reason))
    socket = info.context.request
    if isinstance(socket, WebSocket):
        closing = getattr(socket.state, "closing", None)
        if closing is None:
            closing = socket.state.closing = set()
        closing.add(task)


async def _end_connection(info: Any, code: int, reason: str, error: GraphQLError) -> None:
    """Close the socket and wait to be cancelled by the connection handler; over other
    transports, end the stream with `error`."""
    if isinstance(info.context.request, WebSocket):
        _close_in_background(info, code, reason)
        await asyncio.Event().wait()
    raise error


async def _scope(scope_of: ScopeOf) -> LiveScope:
    try:
        return await scope_of()
    except AccessDenied as denied:
        raise (not_found() if denied.code == "NOT_FOUND" else forbidden()) from None


async def _rescope(scope: LiveScope, scope_of: ScopeOf, listener: _Listener) -> LiveScope:
    """The scope as it is now, listening to its topics (the old one if Redis is down)."""
    fresh = await _scope(scope_of)
    if fresh == scope:
        return scope
    try:
        await listener.listen(fresh.topics)
    except Exception as exc:  # not connected, or Redis did not confirm: try at the next poll
        logger.warning("could not follow a subscription's new scope: %s", exc)
        return scope
    listener.types = fresh.types
    return fresh


def _unavailable() -> GraphQLError:
    return coded(
        SERVICE_UNAVAILABLE,
        "Live updates are unavailable right now: retry with `after`. / "
        "Live bijwerken kan nu even niet: probeer het opnieuw met `after`.",
    )


async def _nothing() -> None:
    return None


async def live_events(
    info: Any,
    scope_of: ScopeOf,
    after: str | None,
    load: Load[T],
    prepare: Callable[[], Awaitable[Any]] | None = None,
) -> AsyncIterator[tuple[StoredEvent, T]]:
    """(event, node) pairs for a subscription: replay after the cursor, then live.

    `prepare` (optional) runs before every batch, next to the read of the table, with the
    batch's fresh loaders in place: warm what `load` needs (it must not depend on the batch).
    """
    principal = info.context.principal
    if principal is None:
        raise unauthenticated()
    last = parse_event_cursor(after) if after else None
    scope = await _scope(scope_of)
    too_slow = asyncio.Event()

    def on_too_slow() -> None:
        if too_slow.is_set():
            return
        too_slow.set()
        logger.info("closing a live connection of user %s: too slow", principal.user_id)
        _close_in_background(info, CLOSE_TOO_SLOW, "Too slow: resume with after")

    listener = _Listener(scope.types, on_too_slow)
    try:
        try:
            await listener.listen(scope.topics)
        except Exception as exc:  # not connected, or Redis did not confirm in time
            logger.warning("live subscription unavailable: %s", exc)
            raise _unavailable() from None
        if last is None:
            last = await latest_event_id(principal.organisation_id)
        loop = asyncio.get_running_loop()
        # The first poll at a random moment, so that subscriptions started together (after
        # a restart) do not all poll together.
        next_poll = loop.time() + settings.LIVE_POLL_SECONDS * random.uniform(0.5, 1.0)
        expires_at = await auth.session_expires_at(principal.session_id)
        if expires_at is None:
            await _end_connection(info, CLOSE_SESSION_ENDED, "Session ended", unauthenticated())
        session_checked = False
        while True:
            if too_slow.is_set():
                await asyncio.Event().wait()  # the socket is closing: wait to be cancelled
            listener.last = last
            listener.consume()
            info.context.loaders = Loaders(principal)  # nothing cached across batches
            # The read, the session check and the caller's preparation (e.g. the viewer's
            # current scope, for `load`) run side by side: fewer waits in a row.
            batch, session_live, _ = await asyncio.gather(
                events_after(principal.organisation_id, scope.topics, scope.types, last, _BATCH),
                _nothing() if session_checked else auth.session_is_live(principal.session_id),
                prepare() if prepare is not None else _nothing(),
            )
            if batch and session_live is False:
                await _end_connection(info, CLOSE_SESSION_ENDED, "Session ended", unauthenticated())
            for event in batch:
                if too_slow.is_set():
                    break
                last = event.id
                node = await load(event)
                if node is not None:
                    yield event, node
            if len(batch) == _BATCH:
                session_checked = True
                continue
            session_checked = False
            expiry = (expires_at - clock.now()).total_seconds() if expires_at else 0.0
            await listener.wait(min(next_poll - loop.time(), expiry))
            if clock.now() >= expires_at:  # type: ignore[operator]
                await _end_connection(
                    info, CLOSE_SESSION_ENDED, "Session expired", unauthenticated()
                )
            if loop.time() >= next_poll:
                next_poll = loop.time() + settings.LIVE_POLL_SECONDS
                if not await auth.session_is_live(principal.session_id):
                    await _end_connection(
                        info, CLOSE_SESSION_ENDED, "Session ended", unauthenticated()
                    )
                scope = await _rescope(scope, scope_of, listener)
    finally:
        await listener.close()


async def fixed(scope: LiveScope) -> LiveScope:
    """A scope that never changes, for `live_events(info, lambda: fixed(scope), ...)`."""
    return scope
