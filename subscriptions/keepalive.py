"""Server pings for graphql-transport-ws connections: one task per process, not per socket.

strawberry only answers the client's pings; proxies close quiet connections and clients
want to notice a dead one, so the server pings every `WS_KEEPALIVE_SECONDS`. A sleeping task
per connection costs a few KB of memory each; here one task pings the registered connections
through their outboxes (`subscriptions.outbox`), each once per interval, spread over the
interval in `SLICES` ticks: pinging thousands of sockets at once (and reading their pongs)
held up a process's live deliveries for a noticeable moment every interval.
"""

from __future__ import annotations

import asyncio
import itertools
from typing import Protocol

import settings
from subscriptions.outbox import Outbox

PING = '{"type":"ping"}'
SLICES = 15


class Pinged(Protocol):
    @property
    def outbox(self) -> Outbox: ...


# Each connection with its slice: the tick of every interval at which it is pinged (handed
# out in turn, so the slices stay even).
_connections: dict[Pinged, int] = {}
_added = itertools.count()
_task: asyncio.Task[None] | None = None


def add(connection: Pinged) -> None:
    global _task
    if connection not in _connections:
        _connections[connection] = next(_added) % SLICES
    loop = asyncio.get_running_loop()
    if _task is None or _task.done() or _task.get_loop() is not loop:
        _task = loop.create_task(_tick(), name="websocket keep-alive")


def discard(connection: Pinged) -> None:
    _connections.pop(connection, None)


def slice_of(connection: Pinged) -> int | None:
    """The tick of each interval at which a connection is pinged (None: not registered)."""
    return _connections.get(connection)


async def _tick() -> None:
    turn = 0
    while _connections:
        await asyncio.sleep(settings.WS_KEEPALIVE_SECONDS / SLICES)
        turn = (turn + 1) % SLICES
        for connection, slice_ in list(_connections.items()):
            if slice_ == turn:
                connection.outbox.put(PING)


def connection_count() -> int:
    """Acknowledged graphql-transport-ws connections of this process."""
    return len(_connections)
