"""uvicorn's WebSocket protocol (websockets-sansio), holding less for every idle connection.

Run it with `uvicorn server:app --ws subscriptions.lean_protocol:LeanWebSocketProtocol`:
`python server.py`, the tests' servers and the benchmarks do. For each connection uvicorn
keeps, for its whole life:

- the handshake's request and response (websockets objects with every header, ~3.5 KB),
  never read again once the connection is accepted: let go then;
- an `asyncio.Queue` for received messages (four deques and an Event, ~2.5 KB) where one
  reader takes what arrives: `Inbox`, a list and its waiters;
- an `asyncio.Event` saying whether the transport takes more (a deque of waiters):
  `Flag`, the same without the deque.

Everything else is uvicorn's own code (pinned in pyproject.toml; every test socket runs
through this class).
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol


class Inbox:
    """The part of `asyncio.Queue` uvicorn uses (`put_nowait`, `get`, `empty`)."""

    __slots__ = ("_items", "_waiters")

    def __init__(self) -> None:
        self._items: list[Any] = []
        self._waiters: list[asyncio.Future[None]] | None = None

    def empty(self) -> bool:
        return not self._items

    def qsize(self) -> int:
        return len(self._items)

    def put_nowait(self, item: Any) -> None:
        self._items.append(item)
        self._wake_one()

    async def get(self) -> Any:
        items = self._items
        while not items:
            try:
                await _wait(self)
            except BaseException:
                if items:  # woken but cancelled: the next reader takes it
                    self._wake_one()
                raise
        return items.pop(0)

    def _wake_one(self) -> None:
        waiters = self._waiters
        while waiters:
            waiter = waiters.pop(0)
            if not waiter.done():
                waiter.set_result(None)
                return


class Flag:
    """The part of `asyncio.Event` uvicorn uses (`set`, `clear`, `is_set`, `wait`)."""

    __slots__ = ("_set", "_waiters")

    def __init__(self) -> None:
        self._set = False
        self._waiters: list[asyncio.Future[None]] | None = None

    def is_set(self) -> bool:
        return self._set

    def set(self) -> None:
        if self._set:
            return
        self._set = True
        waiters, self._waiters = self._waiters, None
        for waiter in waiters or ():
            if not waiter.done():
                waiter.set_result(None)

    def clear(self) -> None:
        self._set = False

    async def wait(self) -> bool:
        if not self._set:
            await _wait(self)
        return True


async def _wait(owner: Inbox | Flag) -> None:
    """Until `owner` wakes this waiter (its list of waiters is made on the first wait)."""
    waiter = asyncio.get_running_loop().create_future()
    if owner._waiters is None:
        owner._waiters = []
    owner._waiters.append(waiter)
    try:
        await waiter
    finally:
        if owner._waiters is not None and waiter in owner._waiters:
            owner._waiters.remove(waiter)


class LeanWebSocketProtocol(WebSocketsSansIOProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queue = Inbox()  # type: ignore[assignment]
        self.writable = Flag()  # type: ignore[assignment]
        self.writable.set()

    def start_keepalive(self) -> None:
        """Called once the handshake's response went out: it is not read again."""
        super().start_keepalive()
        self.request = None  # type: ignore[assignment]
        self.response = None  # type: ignore[assignment]


PATH = "subscriptions.lean_protocol:LeanWebSocketProtocol"
