"""Our WebSocket protocol handlers: what strawberry's handlers leave out.

- graphql-transport-ws: the server sends `ping` every `WS_KEEPALIVE_SECONDS` after the
  connection is acknowledged (strawberry only answers the client's pings), so proxies keep
  the connection open and clients notice a dead one.
- graphql-ws (legacy): `connection_init` must arrive within `WS_INIT_TIMEOUT_SECONDS` or the
  socket is closed with 4408, as graphql-transport-ws does (strawberry has no such timeout
  for the legacy protocol); its keep-alive (`ka`) comes from strawberry.
- Both: before every operation the session is checked again (a logged-out or expired session
  closes the socket with 4401) and the operation gets fresh DataLoaders, so nothing is cached
  across operations of a long-lived connection.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from starlette.websockets import WebSocketDisconnect
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler

import settings
from resolvers.lazy_loaders import LazyLoaders
from services import auth
from subscriptions import shared_execution

CLOSE_SESSION_ENDED = 4401
_CLOSE_WAIT_SECONDS = 15


async def _finish_closing(handler: Any) -> None:
    """Wait for closes started by live subscriptions (`socket.state.closing`): the server
    drops the connection without a close frame if the handler returns first."""
    socket = getattr(handler.context, "request", None)
    closing = getattr(getattr(socket, "state", None), "closing", None)
    if closing:
        await asyncio.wait(list(closing), timeout=_CLOSE_WAIT_SECONDS)


async def _session_still_live(handler: Any) -> bool:
    """Refresh the operation's loaders; False (socket closed) when the session ended."""
    context = handler.context
    principal = getattr(context, "principal", None)
    if principal is not None and not await auth.session_is_live(principal.session_id):
        await handler.websocket.close(code=CLOSE_SESSION_ENDED, reason="Session ended")
        return False
    if hasattr(context, "loaders"):
        context.loaders = LazyLoaders(principal)
    return True


async def _send(handler: Any, message: Any, send: Any) -> None:
    """Send an operation message; a shared live result's payload is serialised once for all
    its receivers (`subscriptions.shared_execution`) and written as text directly."""
    text = shared_execution.results.frame(message)
    if text is None:
        await send(message)
        return
    try:
        await handler.websocket.ws.send_text(text)
    except WebSocketDisconnect as exc:  # as strawberry's adapter does
        raise WebSocketDisconnected from exc


class TransportWSHandler(BaseGraphQLTransportWSHandler):
    """graphql-transport-ws with server pings and a session check per operation."""

    _ping_task: asyncio.Task | None = None

    async def handle(self) -> None:
        await super().handle()
        await _finish_closing(self)

    async def handle_connection_init(self, message: Any) -> None:
        await super().handle_connection_init(message)
        if self.connection_acknowledged and self._ping_task is None:
            self._ping_task = asyncio.create_task(self._ping_forever())

    async def handle_subscribe(self, message: Any) -> None:
        if self.connection_acknowledged and not await _session_still_live(self):
            return
        await super().handle_subscribe(message)

    async def send_message(self, message: Any) -> None:
        await _send(self, message, super().send_message)

    async def shutdown(self) -> None:
        if self._ping_task is not None:
            self._ping_task.cancel()
            with contextlib.suppress(BaseException):
                await self._ping_task
        await super().shutdown()

    async def _ping_forever(self) -> None:
        while True:
            await asyncio.sleep(settings.WS_KEEPALIVE_SECONDS)
            try:
                await self.send_message({"type": "ping"})
            except Exception:  # the socket is gone: the handler shuts down by itself
                return


class LegacyWSHandler(BaseGraphQLWSHandler):
    """graphql-ws with a connection_init timeout and a session check per operation."""

    async def handle(self) -> None:
        timer = asyncio.create_task(self._init_timeout())
        try:
            await super().handle()
        finally:
            timer.cancel()
            with contextlib.suppress(BaseException):
                await timer
        await _finish_closing(self)

    async def handle_start(self, message: Any) -> None:
        if self.connection_acknowledged and not await _session_still_live(self):
            return
        await super().handle_start(message)

    async def send_message(self, message: Any) -> None:
        await _send(self, message, super().send_message)

    async def _init_timeout(self) -> None:
        await asyncio.sleep(settings.WS_INIT_TIMEOUT_SECONDS)
        if not self.connection_acknowledged:
            with contextlib.suppress(Exception):
                await self.websocket.close(code=4408, reason="Connection initialisation timeout")
