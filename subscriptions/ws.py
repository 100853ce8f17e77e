"""Our WebSocket protocol handlers: what strawberry's handlers leave out.

- graphql-transport-ws: the server sends `ping` every `WS_KEEPALIVE_SECONDS` after the
  connection is acknowledged (strawberry only answers the client's pings), so proxies keep
  the connection open and clients notice a dead one (one task per process for all sockets:
  `subscriptions.keepalive`). Live fields that can are handed over to direct delivery
  (`subscriptions.direct`): their operations stay open without a task of their own.
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
import logging
from json import JSONDecodeError
from typing import Any

from starlette.websockets import WebSocketDisconnect, WebSocketState
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler

import settings
from resolvers.lazy_loaders import LazyLoaders
from services import auth
from subscriptions import direct, keepalive, live, shared_execution
from subscriptions.direct import CLOSE_SESSION_ENDED, CLOSE_TOO_SLOW
from subscriptions.lean_protocol import FAST_TEXT, FAST_TEXTS, KEEPALIVE
from subscriptions.outbox import Outbox

logger = logging.getLogger(__name__)

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
    """graphql-transport-ws with server pings, a session check per operation and direct
    delivery (`subscriptions.direct`): a live operation handed over stays open in
    `operations` without a task, its record in `deliveries`."""

    _outbox: Outbox | None = None
    _closing = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deliveries: dict[str, direct.Delivery] = {}

    async def handle(self) -> None:
        """strawberry's loop without its adapter's async generator (`iter_json`) and
        `receive_text` frames, which every idle connection keeps for its whole life; the
        same closes (4400) for a message that is not text or not JSON."""
        self.on_request_accepted()
        socket = self.websocket.ws  # type: ignore[attr-defined]
        try:
            while socket.application_state != WebSocketState.DISCONNECTED:
                message = await socket.receive()
                if message["type"] == "websocket.disconnect":
                    break
                text = message.get("text")
                if text is None:
                    await self.handle_invalid_message("WebSocket message type must be text")
                    break
                try:
                    data = self.view.decode_json(text)
                except JSONDecodeError:
                    await self.handle_invalid_message("WebSocket message must be valid JSON")
                    break
                await self.handle_message(data)
        except (WebSocketDisconnect, WebSocketDisconnected):
            pass
        finally:
            await self.shutdown()

    async def handle_connection_init(self, message: Any) -> None:
        await super().handle_connection_init(message)
        # The timeout task is cancelled by now: let it go (kept, it holds its cancellation
        # with a traceback and frames for the connection's whole life).
        self.connection_init_timeout_task = None
        if self.connection_acknowledged:
            extensions = self.websocket.ws.scope.get("extensions") or {}  # type: ignore[attr-defined]
            keepalive.add(self, extensions.get(KEEPALIVE))

    async def handle_subscribe(self, message: Any) -> None:
        if self.connection_acknowledged and not await _session_still_live(self):
            return
        await super().handle_subscribe(message)

    async def run_operation(self, operation: Any) -> None:
        direct.running.set((self, operation.id))
        try:
            await super().run_operation(operation)
        except asyncio.CancelledError:
            delivery = self.deliveries.get(operation.id)
            if delivery is not None and self.operations.get(operation.id) is operation:
                self._handed_over(operation, delivery)
                return
            raise

    def _handed_over(self, operation: Any, delivery: direct.Delivery) -> None:
        """The operation goes on without its task. Keep only what its id needs (duplicate
        ids and the subscription cap count it): no query text, no variables; and the tap's
        too-slow callback closes through this handler, not through the operation's resolver
        closure (that one holds the `Info`, and with it graphql-core's whole execution)."""
        operation.task = None
        operation.query = ""
        operation.variables = None
        delivery.tap.on_too_slow = self._too_slow

    def _too_slow(self) -> None:
        if not self._closing:
            principal = getattr(self.context, "principal", None)
            user = principal.user_id if principal is not None else None
            logger.info("closing a live connection of user %s: too slow", user)
        self.close_socket(CLOSE_TOO_SLOW, "Too slow: resume with after")

    async def cleanup_operation(self, operation_id: str) -> None:
        delivery = self.deliveries.pop(operation_id, None)
        if delivery is None:
            await super().cleanup_operation(operation_id)
            return
        operation = self.operations.pop(operation_id, None)
        if operation is not None and operation.task is not None:
            operation.task.cancel()
        await delivery.close()

    def forget(self, operation_id: str) -> None:
        """A direct delivery ended its operation itself (it sent `complete`)."""
        self.operations.pop(operation_id, None)
        self.deliveries.pop(operation_id, None)

    @property
    def outbox(self) -> Outbox:
        if self._outbox is None:
            ws = self.websocket.ws  # type: ignore[attr-defined]
            extensions = ws.scope.get("extensions", {})
            self._outbox = Outbox(
                ws.send_text,
                settings.BROADCAST_QUEUE_SIZE,
                self._too_slow,
                extensions.get(FAST_TEXT),
                extensions.get(FAST_TEXTS),
            )
        return self._outbox

    def close_socket(self, code: int, reason: str) -> None:
        """Close from outside the handler's task (it waits for the close to go out)."""
        if self._closing:
            return
        self._closing = True
        live.close_in_background(self.context.request, code, reason)

    async def send_message(self, message: Any) -> None:
        await _send(self, message, super().send_message)

    async def shutdown(self) -> None:
        keepalive.discard(self)
        await super().shutdown()
        if self._outbox is not None:
            await self._outbox.close()
        await _finish_closing(self)


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
