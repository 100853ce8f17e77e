"""Server pings for graphql-transport-ws connections: one task per process, not per socket.

strawberry only answers the client's pings; proxies close quiet connections and clients
want to notice a dead one, so the server pings every `WS_KEEPALIVE_SECONDS`. A sleeping task
per connection costs a few KB of memory each; here one task pings the registered connections
through their outboxes (`subscriptions.outbox`), each once per interval, spread over the
interval in `SLICES` ticks: pinging thousands of sockets at once (and reading their pongs)
held up a process's live deliveries for a noticeable moment every interval.

A connection whose protocol offers a `Watched` (`subscriptions.lean_protocol`, which then
leaves out uvicorn's own WebSocket pings) is also watched: one that has sent nothing for
`WS_KEEPALIVE_SECONDS + WS_KEEPALIVE_TIMEOUT_SECONDS` (so a ping of ours went unanswered for
`WS_KEEPALIVE_TIMEOUT_SECONDS`) is timed out at its next tick instead of pinged.
"""

from __future__ import annotations

import asyncio
import itertools
from typing import Protocol

import settings
from subscriptions.lean_protocol import Watched
from subscriptions.outbox import Outbox

PING = '{"type":"ping"}'
SLICES = 15


class Pinged(Protocol):
    @property
    def outbox(self) -> Outbox: ...


# Each connection with its slice (the tick of every interval at which it is pinged, handed
# out in turn, so the slices stay even) and what tells whether it still answers (or None).
_connections: dict[Pinged, tuple[int, Watched | None]] = {}
_added = itertools.count()
_task: asyncio.Task[None] | None = None


def add(connection: Pinged, watched: Watched | None = None) -> None:
    global _task
    if connection not in _connections:
        _connections[connection] = (next(_added) % SLICES, watched)
    loop = asyncio.get_running_loop()
    if _task is None or _task.done() or _task.get_loop() is not loop:
        _task = loop.create_task(_tick(), name="websocket keep-alive")


def discard(connection: Pinged) -> None:
    _connections.pop(connection, None)


def slice_of(connection: Pinged) -> int | None:
    """The tick of each interval at which a connection is pinged (None: not registered)."""
    found = _connections.get(connection)
    return found[0] if found is not None else None


async def _tick() -> None:
    turn = 0
    loop = asyncio.get_running_loop()
    while _connections:
        await asyncio.sleep(settings.WS_KEEPALIVE_SECONDS / SLICES)
        turn = (turn + 1) % SLICES
        # Heard from before this, a connection left a ping unanswered for the timeout.
        silent = loop.time() - settings.WS_KEEPALIVE_SECONDS - settings.WS_KEEPALIVE_TIMEOUT_SECONDS
        for connection, (slice_, watched) in list(_connections.items()):
            if slice_ != turn:
                continue
            if watched is not None and watched.heard_at < silent:
                discard(connection)
                watched.time_out()
            else:
                connection.outbox.put(PING)


def connection_count() -> int:
    """Acknowledged graphql-transport-ws connections of this process."""
    return len(_connections)
