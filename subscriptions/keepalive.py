"""Server pings for graphql-transport-ws connections: one task per process, not per socket.

strawberry only answers the client's pings; proxies close quiet connections and clients
want to notice a dead one, so the server pings every `WS_KEEPALIVE_SECONDS`. A sleeping task
per connection costs a few KB of memory each; here one task pings every registered
connection through its outbox (`subscriptions.outbox`) on each tick.
"""

from __future__ import annotations

import asyncio
from typing import Protocol

import settings
from subscriptions.outbox import Outbox

PING = '{"type":"ping"}'


class Pinged(Protocol):
    @property
    def outbox(self) -> Outbox: ...


_connections: set[Pinged] = set()
_task: asyncio.Task[None] | None = None


def add(connection: Pinged) -> None:
    global _task
    _connections.add(connection)
    loop = asyncio.get_running_loop()
    if _task is None or _task.done() or _task.get_loop() is not loop:
        _task = loop.create_task(_tick(), name="websocket keep-alive")


def discard(connection: Pinged) -> None:
    _connections.discard(connection)


async def _tick() -> None:
    while _connections:
        await asyncio.sleep(settings.WS_KEEPALIVE_SECONDS)
        for connection in list(_connections):
            connection.outbox.put(PING)


def connection_count() -> int:
    """Acknowledged graphql-transport-ws connections of this process."""
    return len(_connections)
