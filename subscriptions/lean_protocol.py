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

It also writes a text frame without the ASGI `send` when nothing stands in the way (the
connection open and writable, no extension such as permessage-deflate negotiated): the
application finds `write_text(text) -> bool` in the scope's extensions under `FAST_TEXT`
(direct live delivery writes thousands of frames a second through it; starlette, uvicorn's
`send` and websockets' frame objects cost about five times as much per frame), and
`write_texts(texts) -> bool` under `FAST_TEXTS`: several frames in one write, so one system
call (a staff member's socket hears every conversation of their groups, and a batch of
events often holds several of them).

A pong of the GraphQL WebSocket protocols, exactly as clients send it (`{"type":"pong"}`),
goes no further than the protocol: both of strawberry's handlers do nothing with one
(graphql-transport-ws's `handle_pong` is empty, graphql-ws has no such message), and on its
way to them it would pause and resume the socket's reading and pass through the ASGI queue,
starlette and the handler's JSON parsing. The server pings every connection
(`subscriptions.keepalive`), so these are thousands of messages a minute per process.

The server's own keep-alive watches graphql-transport-ws connections
(`subscriptions.keepalive`: a GraphQL `ping` every `WS_KEEPALIVE_SECONDS`, which clients must
answer, and a connection that left one unanswered for `WS_KEEPALIVE_TIMEOUT_SECONDS` is timed
out). uvicorn's WebSocket pings would do the same a second time, with two timers per
connection: on those connections they are off. The protocol offers the keep-alive, under
`KEEPALIVE`, the loop time it last received anything (`heard_at`) and `time_out()`, which
ends the connection as uvicorn's own ping timeout does (1011, without waiting for the
peer). Other connections (graphql-ws, none) keep uvicorn's pings.

Everything else is uvicorn's own code (pinned in pyproject.toml; every test socket runs
through this class).
"""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.frames import Frame
from websockets.protocol import State

# The scope extensions under which `LeanWebSocketProtocol.write_text` and `write_texts`
# are offered.
FAST_TEXT = "ouderlink.write_text"
FAST_TEXTS = "ouderlink.write_texts"
# The scope extension under which the protocol itself is offered to the keep-alive
# (`Watched`: `heard_at`, `time_out()`).
KEEPALIVE = "ouderlink.keepalive"
# The subprotocol whose connections the server's own keep-alive pings and watches.
WATCHED_SUBPROTOCOL = "graphql-transport-ws"
# A GraphQL WebSocket pong as clients send it, and the subprotocols it belongs to.
PONG = b'{"type":"pong"}'
GRAPHQL_SUBPROTOCOLS = frozenset({"graphql-transport-ws", "graphql-ws"})


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


class Watched(Protocol):
    """What the keep-alive finds under `KEEPALIVE`."""

    heard_at: float

    def time_out(self) -> None: ...


class LeanWebSocketProtocol(WebSocketsSansIOProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queue = Inbox()  # type: ignore[assignment]
        self.writable = Flag()  # type: ignore[assignment]
        self.writable.set()
        self.heard_at = self.loop.time()  # (loop time) when data last came from the peer

    async def run_asgi(self) -> None:
        extensions = self.scope["extensions"]  # type: ignore[index]
        extensions[FAST_TEXT] = self.write_text
        extensions[FAST_TEXTS] = self.write_texts
        extensions[KEEPALIVE] = self
        await super().run_asgi()

    def data_received(self, data: bytes) -> None:
        self.heard_at = self.loop.time()
        super().data_received(data)

    def time_out(self) -> None:
        """The peer stopped answering: end the connection now (as uvicorn's ping timeout
        does: a close frame with 1011, then the transport closes without waiting)."""
        if self.close_sent or self.transport.is_closing():
            return
        self.conn.fail(1011, "keepalive ping timeout")
        self.transport.write(b"".join(self.conn.data_to_send()))
        self.close_sent = True
        self.transport.close()

    def handle_text(self, event: Frame) -> None:
        if event.fin and event.data == PONG and self._graphql():
            return  # nothing would come of it (see the module docstring)
        super().handle_text(event)

    def _graphql(self) -> bool:
        return not GRAPHQL_SUBPROTOCOLS.isdisjoint(self.scope.get("subprotocols", ()))

    def write_text(self, text: str) -> bool:
        """Write one unfragmented text frame now (a server's frames are not masked); False
        when it must go the usual way: not open or accepted yet, closing, the transport
        paused, or an extension that would transform the frame."""
        if not self._writes_frames():
            return False
        self.transport.write(text_frame(text))
        return True

    def write_texts(self, texts: list[str]) -> bool:
        """`write_text` for each of `texts`, in order, in one write (one system call)."""
        if not self._writes_frames():
            return False
        self.transport.write(b"".join([text_frame(text) for text in texts]))
        return True

    def _writes_frames(self) -> bool:
        conn = self.conn
        return not (
            not self.handshake_complete
            or self.close_sent
            or self.disconnected
            or not self.writable.is_set()
            or conn.state is not State.OPEN
            or conn.extensions
            or conn.expect_continuation_frame
        )

    def start_keepalive(self) -> None:
        """Called once the handshake's response went out: it is not read again. uvicorn's
        pings start unless the server's own keep-alive watches the connection."""
        accepted = self.response.headers.get("Sec-WebSocket-Protocol")
        if accepted != WATCHED_SUBPROTOCOL:
            super().start_keepalive()
        self.request = None  # type: ignore[assignment]
        self.response = None  # type: ignore[assignment]


PATH = "subscriptions.lean_protocol:LeanWebSocketProtocol"


def text_frame(text: str) -> bytes:
    """An unfragmented, unmasked text frame (as a server writes it) holding `text`."""
    data = text.encode()
    size = len(data)
    if size < 126:
        return bytes((0x81, size)) + data
    if size < 65536:
        return b"\x81\x7e" + size.to_bytes(2, "big") + data
    return b"\x81\x7f" + size.to_bytes(8, "big") + data
