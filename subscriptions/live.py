"""Live events for subscriptions: one mechanism behind every live field.

A live field is a few lines (see `resolvers/live.py`):

    async def day_request_decided(info, after):
        scope = LiveScope.of({f"user:{principal.user_id}"}, {"day_request.decided"})
        async for event, node in live_events(info, lambda: fixed(scope), after, load):
            yield Edge(cursor=event_cursor(event.id), node=node)

How nothing is lost or repeated:
1. The subscription takes a tap on its organisation's feed FIRST (`subscriptions.feed`: one
   reader of the event table per organisation and process, woken by the broadcast): from
   then on the feed hands it every event after `tap.position` on its topics and types, in
   id order.
2. Then it reads the event table itself: events of its topics and types with id > the
   cursor (`after`; without one, the newest event id at subscription time), oldest first,
   in batches, up to where the feed stood, and yields every event that `load` returns.
3. Then it yields what the feed hands it, skipping ids it already yielded. A broadcast
   message only says "something new": what is new is always read from the table, in id
   order. So events that arrive during the replay, that different processes publish out of
   order, or whose broadcast was lost while Redis reconnected (the feed also reads every
   `LIVE_FEED_POLL_SECONDS`) are each delivered once, in order. Event ids become visible in
   id order (see `services.events`), so reading "id > last seen" never skips one.

Authorisation: every event is reloaded through `load`, the same rules a query uses (with
fresh DataLoaders per batch); None (no longer visible, e.g. a parent whose access ended)
skips it. `load` may share the per-event work between the subscriptions of a process
(`feed.shared`, e.g. `messageAdded`: the message and who may read it, once per process).
The scope itself is re-evaluated on every poll (`LIVE_POLL_SECONDS`, each subscription at
its own moment): staff who joined a group start hearing it, a conversation the viewer left
ends the subscription with FORBIDDEN. The session is checked before every batch of
deliveries (one query per feed batch for all its receivers), on every poll and at the moment
it expires: an expired or revoked session closes the socket with 4401.

Back pressure: a subscriber that falls more than `BROADCAST_QUEUE_SIZE` events behind (its
client does not read) is disconnected with close code 4013; it reconnects with `after:`
and catches up from the table. Memory per subscriber stays bounded meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from graphql import GraphQLError
from starlette.websockets import WebSocket, WebSocketState

import settings
from resolvers.lazy_loaders import LazyLoaders
from schema.errors import (
    bad_input,
    forbidden,
    not_found,
    service_unavailable,
    unauthenticated,
)
from schema.relay import decode_cursor
from services import auth, clock
from services.b64 import event_cursor_text
from services.errors import AccessDenied
from services.events import StoredEvent, events_after, latest_event_id
from subscriptions import direct, feed
from subscriptions.direct import CLOSE_SESSION_ENDED, CLOSE_TOO_SLOW, DirectForm
from subscriptions.feed import Batch

logger = logging.getLogger(__name__)

T = TypeVar("T")

_BATCH = 100


@dataclass(frozen=True)
class LiveScope:
    """What a subscription listens to: event topics and event types."""

    topics: frozenset[str]
    types: frozenset[str]

    @classmethod
    def of(cls, topics: Any, types: Any) -> LiveScope:
        return cls(_interned(frozenset(topics)), _interned(frozenset(types)))


_INTERNED: dict[frozenset[str], frozenset[str]] = {}


def _interned(value: frozenset[str]) -> frozenset[str]:
    """One object per distinct set (thousands of subscriptions hold the same types, both
    guardians of a child the same topics); bounded, cleared when full."""
    found = _INTERNED.get(value)
    if found is None:
        if len(_INTERNED) >= 20_000:
            _INTERNED.clear()
        found = _INTERNED[value] = value
    return found


ScopeOf = Callable[[], Awaitable[LiveScope]]
Load = Callable[[StoredEvent], Awaitable[T | None]]


# The opaque resume cursor of an event (`after:` of every live field): the `encode_cursor`
# of "event:<id>", written out (a live delivery makes one per frame).
event_cursor = event_cursor_text


def parse_event_cursor(cursor: str) -> int:
    kind, _, raw = decode_cursor(cursor).partition(":")
    if kind != "event" or not raw.isdigit():
        raise bad_input("INVALID_CURSOR", "Ongeldige cursor.", "Invalid cursor.")
    return int(raw)


async def _close_socket(socket: Any, code: int, reason: str) -> None:
    """Close the client's WebSocket (all its subscriptions end with it)."""
    if isinstance(socket, WebSocket) and socket.application_state != WebSocketState.DISCONNECTED:
        with contextlib.suppress(Exception):
            await socket.close(code=code, reason=reason)


def close_in_background(socket: Any, code: int, reason: str) -> None:
    """Close the socket from another task; the connection handler waits for it before it
    returns (see `subscriptions.ws`), so the close frame goes out even when it has to wait
    behind data the client has not read yet."""
    task = asyncio.create_task(_close_socket(socket, code, reason))
    if isinstance(socket, WebSocket):
        closing = getattr(socket.state, "closing", None)
        if closing is None:
            closing = socket.state.closing = set()
        closing.add(task)


async def _end_connection(info: Any, code: int, reason: str, error: GraphQLError) -> None:
    """Close the socket and wait to be cancelled by the connection handler; over other
    transports, end the stream with `error`."""
    if isinstance(info.context.request, WebSocket):
        close_in_background(info.context.request, code, reason)
        await asyncio.Event().wait()
    raise error


async def _scope(scope_of: ScopeOf) -> LiveScope:
    try:
        return await scope_of()
    except AccessDenied as denied:
        raise (not_found() if denied.code == "NOT_FOUND" else forbidden()) from None


async def _nothing() -> None:
    return None


class _Flag:
    """A one-way flag (an asyncio.Event costs more memory, and nobody waits on this one)."""

    __slots__ = ("_set",)

    def __init__(self) -> None:
        self._set = False

    def set(self) -> None:
        self._set = True

    def is_set(self) -> bool:
        return self._set


class _Ended(Exception):
    """The session ended (or expired): close the socket with 4401."""


async def live_events(
    info: Any,
    scope_of: ScopeOf,
    after: str | None,
    load: Load[T],
    prepare: Callable[[], Awaitable[Any]] | None = None,
    form: DirectForm[Any] | None = None,
) -> AsyncIterator[tuple[StoredEvent, T]]:
    """(event, node) pairs for a subscription: replay after the cursor, then live.

    `prepare` (optional) runs before every batch read from the table, next to that read,
    with the batch's fresh loaders in place: warm what `load` needs. With `form`, the
    subscription is handed over to direct delivery where it can be (`subscriptions.direct`:
    replay and live events then go out without this generator).
    """
    principal = info.context.principal
    if principal is None:
        raise unauthenticated()
    last = parse_event_cursor(after) if after else None
    scope = await _scope(scope_of)
    too_slow = _Flag()
    socket = info.context.request  # (not `info`: a tap outlives the execution it came from)
    user_id = principal.user_id

    def on_too_slow() -> None:
        if too_slow.is_set():
            return
        too_slow.set()
        logger.info("closing a live connection of user %s: too slow", user_id)
        close_in_background(socket, CLOSE_TOO_SLOW, "Too slow: resume with after")

    try:
        tap = await feed.tap(
            principal.organisation_id, scope.topics, scope.types, principal.session_id, on_too_slow
        )
    except Exception as exc:  # not connected, or Redis did not confirm in time
        logger.warning("live subscription unavailable: %s", exc)
        raise service_unavailable() from None
    handed_over = False
    try:
        if last is None:
            last = await latest_event_id(principal.organisation_id)
        loop = asyncio.get_running_loop()
        # The first poll at a random moment, so that subscriptions started together (after
        # a restart) do not all poll together.
        next_poll = loop.time() + settings.LIVE_POLL_SECONDS * random.uniform(0.5, 1.0)
        expires_at = await auth.session_expires_at(principal.session_id)
        if expires_at is None:
            raise _Ended("Session ended")
        if form is not None and not too_slow.is_set():
            rescope = partial(_scope, scope_of)
            if direct.hand_over(info, tap, form, rescope, scope, last, expires_at, next_poll):
                handed_over = True
                # The operation's task ends here (its handler keeps the operation open).
                raise asyncio.CancelledError("handed over to direct delivery")
        # 1. From the table: everything after the cursor the feed will not hand us.
        replay_until = tap.position
        while last < replay_until and not too_slow.is_set():
            info.context.loaders = LazyLoaders(principal)  # nothing cached across batches
            batch, session_live, _ = await asyncio.gather(
                events_after(principal.organisation_id, scope.topics, scope.types, last, _BATCH),
                auth.session_is_live(principal.session_id),
                prepare() if prepare is not None else _nothing(),
            )
            if batch and not session_live:
                raise _Ended("Session ended")
            for event in batch:
                if too_slow.is_set():
                    break
                last = event.id
                node = await load(event)
                if node is not None:
                    yield event, node
            if len(batch) < _BATCH:
                replay_until = 0
        info.context.loaders = LazyLoaders(principal)  # the replay's go
        # 2. Live: what the feed hands us (skipping what the table already gave).
        current: Batch | None = None
        while True:
            if too_slow.is_set():
                await asyncio.Event().wait()  # the socket is closing: wait to be cancelled
            item = tap.next()
            if item is not None:
                event, batch_of = item
                if event.id <= last:
                    continue
                sessions = None
                if batch_of is not current:
                    current = batch_of
                    # The batch's session check (one query for all its receivers) runs
                    # side by side with the first load; nothing is yielded before it.
                    sessions = batch_of.sessions()
                    info.context.loaders = LazyLoaders(principal)  # nothing cached across batches
                last = event.id
                try:
                    node = await load(event)
                finally:
                    if sessions is not None and not sessions.done():
                        await asyncio.wait([sessions])  # (never cancels the shared check)
                if sessions is not None and principal.session_id not in sessions.result():
                    raise _Ended("Session ended")
                if node is not None:
                    yield event, node
                continue
            if current is not None:  # idle from here: let the batch's loaders go
                info.context.loaders = LazyLoaders(principal)
                current = None
            expiry = (expires_at - clock.now()).total_seconds()
            await tap.wait(min(next_poll - loop.time(), expiry))
            if clock.now() >= expires_at:
                raise _Ended("Session expired")
            if loop.time() >= next_poll:
                next_poll = loop.time() + settings.LIVE_POLL_SECONDS
                if not await auth.session_is_live(principal.session_id):
                    raise _Ended("Session ended")
                fresh = await _scope(scope_of)
                if fresh != scope:
                    # New topics: the table gives what they had since `last` (up to where
                    # the feed stands now), the feed the rest.
                    tap.retarget(fresh.topics, fresh.types)
                    scope, until = fresh, tap.position
                    while last < until:
                        info.context.loaders = LazyLoaders(principal)
                        batch = await events_after(
                            principal.organisation_id, scope.topics, scope.types, last, _BATCH
                        )
                        for event in batch:
                            last = event.id
                            node = await load(event)
                            if node is not None:
                                yield event, node
                        if len(batch) < _BATCH:
                            break
                    current = None
    except _Ended as ended:
        await _end_connection(info, CLOSE_SESSION_ENDED, str(ended), unauthenticated())
    finally:
        if not handed_over:
            await tap.close()


async def fixed(scope: LiveScope) -> LiveScope:
    """A scope that never changes, for `live_events(info, lambda: fixed(scope), ...)`."""
    return scope
