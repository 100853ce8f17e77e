"""A broadcaster backend on `redis.asyncio` that survives dropped connections.

broadcaster 0.3.1's own `redis://` backend starts reading the pub/sub connection before
anything is subscribed (so with redis-py 8 it delivers nothing) and never reconnects. This
backend owns one dedicated subscriber connection (`subscriptions.resp`: replies parsed in bulk
by hiredis, not one redis-py `read_response` per message), read by a single task that
reconnects with capped exponential backoff and re-subscribes every channel still wanted. Publishing
uses a separate pooled client and fails with `BroadcastUnavailable` after a short retry window
instead of hanging. Redis pub/sub is fire-and-forget: messages published while the subscriber
connection is down are lost; after a reconnect every re-subscribed channel receives the
message `RESUBSCRIBED`, so its subscribers know to catch up from their own store.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import Any
from urllib.parse import urlparse

from broadcaster import Event
from broadcaster._backends.base import BroadcastBackend
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from subscriptions.resp import RespConnection

logger = logging.getLogger(__name__)

_TRANSIENT_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError, TimeoutError)


# The message a channel's subscribers receive when the channel was subscribed again after
# the connection to Redis was lost: anything published in between did not reach them.
RESUBSCRIBED = "\x00resubscribed"
# disconnect() cancels the subscriber task up to this many times, half a second apart.
DISCONNECT_CANCEL_ATTEMPTS = 10


class BroadcastUnavailable(ConnectionError):
    """The broadcast backend cannot reach Redis right now (publish, subscribe or connect)."""


def _describe(url: str) -> str:
    """The URL without credentials, for log and error messages."""
    parsed = urlparse(url)
    return f"{parsed.scheme}://{parsed.hostname}:{parsed.port or 6379}{parsed.path}"


class RedisBackend(BroadcastBackend):
    """Redis pub/sub backend for `broadcaster`-style `Broadcast` objects.

    `subscribe()` returns once Redis has confirmed the subscription, so a message published
    afterwards (from any process) is delivered. Callers are expected to subscribe to a channel
    only once at a time (our `Broadcast` reference-counts channels per process).
    """

    def __init__(
        self,
        url: str,
        *,
        client_name: str = "ouderlink-broadcast",
        min_backoff: float = 0.1,
        max_backoff: float = 5.0,
        connect_timeout: float = 5.0,
        subscribe_timeout: float = 5.0,
        publish_timeout: float = 3.0,
        ping_timeout: float = 2.0,
        health_check_interval: float = 10.0,
        socket_timeout: float = 5.0,
    ) -> None:
        # Deliberately not calling BroadcastBackend.__init__: it only raises NotImplementedError.
        self.url = url
        self.client_name = client_name
        self._min_backoff = min_backoff
        self._max_backoff = max_backoff
        self._connect_timeout = connect_timeout
        self._subscribe_timeout = subscribe_timeout
        self._publish_timeout = publish_timeout
        self._ping_timeout = ping_timeout
        self._health_check_interval = health_check_interval
        self._socket_timeout = socket_timeout

        self._redis: Redis | None = None
        self._task: asyncio.Task[None] | None = None
        self._conn: RespConnection | None = None
        self._connected = asyncio.Event()
        self._closing = False
        self._wanted: set[str] = set()
        self._pending: dict[str, asyncio.Future[None]] = {}
        # Received, not yet taken by `next_published` / `drain_published`.
        self._events: deque[Event] = deque()
        self._waiter: asyncio.Future[None] | None = None
        self._last_error: BaseException | None = None
        self._ever_connected = False
        self.reconnect_count = 0
        """How many times the subscriber connection was re-established after the first."""

    # -- lifecycle -----------------------------------------------------------------------

    async def connect(self) -> None:
        """Start the subscriber task; raise `BroadcastUnavailable` if Redis can't be reached."""
        if self._task is not None:
            return
        self._closing = False
        self._redis = Redis.from_url(
            self.url,
            client_name=self.client_name,
            socket_connect_timeout=min(self._connect_timeout, self._socket_timeout),
            socket_timeout=self._socket_timeout,
            socket_keepalive=True,
            retry=Retry(NoBackoff(), 0),  # all retrying happens here, with our own backoff
        )
        self._task = asyncio.create_task(self._run(), name="redis-broadcast-subscriber")
        try:
            async with asyncio.timeout(self._connect_timeout):
                await self._connected.wait()
        except TimeoutError as exc:
            note = self._last_error_note()
            await self.disconnect()
            raise BroadcastUnavailable(
                f"could not connect to {_describe(self.url)} "
                f"within {self._connect_timeout:g}s{note}"
            ) from exc

    async def disconnect(self) -> None:
        """Stop the subscriber task and close every Redis connection. Idempotent."""
        self._closing = True
        task, self._task = self._task, None
        if task is not None:
            # Unlike `await task`, `asyncio.wait` never swallows our own cancel. Cancel again
            # while it runs on: a cancel that lands inside redis-py's own clean-up can be eaten.
            for _ in range(DISCONNECT_CANCEL_ATTEMPTS):
                task.cancel()
                done, _pending = await asyncio.wait([task], timeout=0.5)
                if done:
                    break
            else:
                logger.warning("broadcast subscriber task did not stop; left behind")
        for future in self._pending.values():
            if not future.done():
                future.set_exception(BroadcastUnavailable("broadcast backend disconnected"))
        self._pending.clear()
        self._wanted.clear()
        self._connected.clear()
        self._events = deque()
        self._ever_connected = False
        client, self._redis = self._redis, None
        if client is not None:
            try:
                async with asyncio.timeout(5):
                    await client.aclose()
            except TimeoutError:
                logger.warning("closing the Redis connections timed out")

    # -- BroadcastBackend interface -------------------------------------------------------

    async def subscribe(self, channel: str) -> None:
        """Subscribe and wait for Redis to confirm; `BroadcastUnavailable` on timeout."""
        if self._task is None:
            raise RuntimeError("RedisBackend.connect() has not been called")
        self._wanted.add(channel)
        future = self._pending.get(channel)
        if future is None or future.done():
            future = asyncio.get_running_loop().create_future()
            self._pending[channel] = future
        try:
            # If the connection is down, the subscriber task re-subscribes `_wanted` on reconnect.
            await self._send_if_connected("SUBSCRIBE", channel)
            async with asyncio.timeout(self._subscribe_timeout):
                await asyncio.shield(future)
        except BaseException as exc:
            self._wanted.discard(channel)
            if self._pending.get(channel) is future:
                del self._pending[channel]
            if isinstance(exc, TimeoutError):
                await self._send_if_connected("UNSUBSCRIBE", channel)
                raise BroadcastUnavailable(
                    f"Redis did not confirm the subscription to {channel!r} within "
                    f"{self._subscribe_timeout:g}s{self._last_error_note()}"
                ) from exc
            raise

    async def unsubscribe(self, channel: str) -> None:
        """Stop wanting `channel`; never raises because Redis is down."""
        self._wanted.discard(channel)
        self._pending.pop(channel, None)
        # When the connection is down there is nothing to undo: reconnects only
        # re-subscribe channels that are still wanted.
        await self._send_if_connected("UNSUBSCRIBE", channel)

    async def publish(self, channel: str, message: Any) -> None:
        """Publish, retrying with backoff for `publish_timeout` seconds, then raise."""
        client = self._redis
        if client is None:
            raise RuntimeError("RedisBackend.connect() has not been called")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._publish_timeout
        delay = self._min_backoff
        while True:
            try:
                async with asyncio.timeout_at(deadline):
                    await client.publish(channel, message)
                return
            except _TRANSIENT_ERRORS as exc:
                if deadline - loop.time() <= delay:
                    raise BroadcastUnavailable(
                        f"could not publish to {channel!r} on {_describe(self.url)} within "
                        f"{self._publish_timeout:g}s: {exc or type(exc).__name__}"
                    ) from exc
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._max_backoff)

    async def next_published(self) -> Event:
        """The next message received on a wanted channel (message decoded to `str`)."""
        events = self._events
        while not events:
            waiter = self._waiter = asyncio.get_running_loop().create_future()
            try:
                await waiter
            finally:
                self._waiter = None
        return events.popleft()

    def drain_published(self) -> list[Event]:
        """Every message received already, without waiting (the listener takes them all
        after each `next_published`: a burst of wake-ups costs no await each)."""
        events, self._events = self._events, deque()
        return list(events)

    def _received(self, event: Event) -> None:
        self._events.append(event)
        self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    # -- health ---------------------------------------------------------------------------

    async def ping(self) -> None:
        """Raise `BroadcastUnavailable` unless Redis answers and the subscriber is connected."""
        client = self._redis
        if client is None or self._task is None:
            raise BroadcastUnavailable("broadcast backend is not connected")
        if not self._connected.is_set():
            raise BroadcastUnavailable(
                f"subscriber connection is reconnecting{self._last_error_note()}"
            )
        try:
            async with asyncio.timeout(self._ping_timeout):
                await client.ping()
        except (*_TRANSIENT_ERRORS, RedisError) as exc:
            raise BroadcastUnavailable(f"Redis PING failed: {exc or type(exc).__name__}") from exc

    async def is_healthy(self) -> bool:
        """True when Redis answers PING and the subscriber connection is up (for /readyz)."""
        try:
            await self.ping()
        except BroadcastUnavailable:
            return False
        return True

    # -- subscriber connection --------------------------------------------------------------

    async def _run(self) -> None:
        """Keep one subscriber connection alive forever, reconnecting with capped backoff."""
        assert self._redis is not None
        delay = self._min_backoff
        while not self._closing:
            conn: RespConnection | None = None
            try:
                async with asyncio.timeout(self._connect_timeout):
                    conn = await RespConnection.open(self.url, self.client_name)
                self._on_connected(conn)
                delay = self._min_backoff
                await self._read_forever(conn)
            except _TRANSIENT_ERRORS as exc:
                self._last_error = exc
                logger.warning(
                    "Redis pub/sub connection to %s failed: %s; reconnecting in %.1fs",
                    _describe(self.url),
                    exc or type(exc).__name__,
                    delay,
                )
            except Exception as exc:
                self._last_error = exc
                logger.exception("Redis pub/sub reader failed; reconnecting in %.1fs", delay)
            finally:
                self._connected.clear()
                if conn is not None:
                    if self._conn is conn:
                        self._conn = None
                    conn.close()
            await asyncio.sleep(delay)
            delay = min(delay * 2, self._max_backoff)

    def _on_connected(self, conn: RespConnection) -> None:
        """Publish the new connection and re-subscribe everything still wanted."""
        # No await between taking the snapshot and exposing the connection: a concurrent
        # subscribe() either lands in the snapshot or sees the connection and sends its own.
        channels = sorted(self._wanted)
        self._conn = conn
        self._connected.set()
        self._last_error = None
        if self._ever_connected:
            self.reconnect_count += 1
            logger.info(
                "Redis pub/sub reconnected to %s; re-subscribing %d channel(s)",
                _describe(self.url),
                len(channels),
            )
        self._ever_connected = True
        if channels:
            conn.send("SUBSCRIBE", *channels)

    async def _read_forever(self, conn: RespConnection) -> None:
        """Read replies until the connection fails; PING when idle to detect dead peers."""
        awaiting_pong = False
        while True:
            try:
                async with asyncio.timeout(self._health_check_interval):
                    replies = await conn.replies()
            except TimeoutError:  # the connection was idle
                if awaiting_pong:
                    raise RedisTimeoutError("no reply to PING on the pub/sub connection") from None
                conn.send("PING")
                awaiting_pong = True
                continue
            awaiting_pong = False
            self._route(replies)

    def _route(self, replies: list[Any]) -> None:
        """Route one read's replies (RESP2 arrays of texts): a message on a wanted channel
        straight to the events (the listener woken once for all of them), anything else
        through `_confirmed`."""
        events = self._events
        wanted = self._wanted
        before = len(events)
        for reply in replies:
            if reply.__class__ is list and len(reply) == 3 and reply[0] == "message":
                if reply[1] in wanted:
                    events.append(Event(reply[1], reply[2]))
            else:
                self._confirmed(reply)
        if len(events) > before:
            self._wake()

    def _confirmed(self, response: Any) -> None:
        """A reply that is not a message: a SUBSCRIBE's confirmation, or one to ignore."""
        if not isinstance(response, list) or len(response) < 3:
            return  # PONG, an error reply or something we don't care about
        kind, channel = response[0], response[1]
        if kind == "subscribe":
            future = self._pending.pop(channel, None)
            if future is not None and not future.done():
                future.set_result(None)
            elif channel in self._wanted:
                # Re-subscribed after a reconnect: tell the channel's subscribers that
                # messages may have been lost meanwhile (they can catch up elsewhere).
                self._received(Event(channel=channel, message=RESUBSCRIBED))

    def _last_error_note(self) -> str:
        error = self._last_error
        return "" if error is None else f" (last error: {error or type(error).__name__})"

    async def _send_if_connected(self, *args: str) -> bool:
        """Send a command on the subscriber connection if it is up; never raises."""
        conn = self._conn
        if conn is None or not conn.is_connected:
            return False
        try:
            conn.send(*args)
        except Exception as exc:
            # The reader notices the broken connection and reconnects.
            logger.info("could not send %s on the pub/sub connection: %s", args[0], exc)
            return False
        return True
