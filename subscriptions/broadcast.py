"""In-process fan-out of broadcast events to subscribers, with broadcaster's public interface.

Fixes two faults of `broadcaster.Broadcast` 0.3.1:

* the first two subscribers of a channel arriving together both subscribe the backend and the
  second overwrites the first's queue set (the first never receives, and its exit raises
  `KeyError`): here each channel has a lock and a user count, the last user unsubscribes;
* queues are unbounded: here each subscriber has a bounded queue and a subscriber that falls
  `queue_size` events behind gets `SubscriberTooSlow` from its iterator, without slowing the
  listener or the other subscribers down.

The listener task logs and keeps going if the backend fails, and is restarted if it dies.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from urllib.parse import urlparse

from broadcaster import Event
from broadcaster._backends.base import BroadcastBackend
from broadcaster._backends.memory import MemoryBackend

from subscriptions.redis_backend import BroadcastUnavailable, RedisBackend

__all__ = [
    "DEFAULT_QUEUE_SIZE",
    "Broadcast",
    "BroadcastUnavailable",
    "Event",
    "Subscriber",
    "SubscriberTooSlow",
    "Unsubscribed",
    "Wakeups",
    "create_backend",
    "create_broadcast",
]

logger = logging.getLogger(__name__)

DEFAULT_QUEUE_SIZE = 1000
_LISTENER_RETRY_DELAY = 0.5


class SubscriberTooSlow(Exception):
    """The subscriber fell `queue_size` events behind and was dropped; close its client."""

    def __init__(self, channel: str, queue_size: int) -> None:
        super().__init__(f"subscriber on {channel!r} fell more than {queue_size} events behind")
        self.channel = channel
        self.queue_size = queue_size


class Unsubscribed(Exception):
    """Raised by `Subscriber.get()` once the subscription has ended."""


class Subscriber:
    """One subscription: iterate it (`async for event in subscriber`) or call `get()`."""

    def __init__(self, channel: str, queue_size: int) -> None:
        self.channel = channel
        self._queue: asyncio.Queue[Event | None] = asyncio.Queue(maxsize=queue_size)
        self._overflowed = False
        self._closed = False

    @property
    def overflowed(self) -> bool:
        """True once an event could not be queued for this subscriber."""
        return self._overflowed

    async def __aiter__(self) -> AsyncIterator[Event]:
        try:
            while True:
                yield await self.get()
        except Unsubscribed:
            return

    async def get(self) -> Event:
        """Next event; `SubscriberTooSlow` after an overflow, `Unsubscribed` once closed."""
        if self._overflowed:
            raise SubscriberTooSlow(self.channel, self._queue.maxsize)
        if self._closed and self._queue.empty():
            raise Unsubscribed()
        item = await self._queue.get()
        if item is None:
            raise Unsubscribed()
        return item

    def drain(self) -> list[Event]:
        """Every event queued already, without waiting (a reader taking them together)."""
        items: list[Event] = []
        while not self._queue.empty():
            item = self._queue.get_nowait()
            if item is None:  # closed: keep the end-of-subscription mark
                self._queue.put_nowait(None)
                break
            items.append(item)
        return items

    def _offer(self, event: Event) -> None:
        """Queue an event without ever blocking; mark the subscriber overflowed if full."""
        if self._overflowed or self._closed:
            return
        try:
            self._queue.put_nowait(event)
        except asyncio.QueueFull:
            self._overflowed = True
            logger.warning(
                "subscriber on %r is %d events behind; dropping it",
                self.channel,
                self._queue.maxsize,
            )

    def _close(self) -> None:
        """End the subscription, waking a `get()` that waits on an empty queue."""
        if self._closed:
            return
        self._closed = True
        if not self._queue.full():
            self._queue.put_nowait(None)


class Wakeups(Subscriber):
    """A subscriber that only needs to know it was woken (the event feed: it reads the event
    table after every wake-up). It holds the first event since it was last read and the
    latest one, never more: thousands of wake-ups in a burst cost nothing to keep and never
    make it fall behind."""

    def __init__(self, channel: str) -> None:
        super().__init__(channel, 1)
        self._first: Event | None = None
        self._latest: Event | None = None
        self._waiter: asyncio.Future[None] | None = None

    async def get(self) -> Event:
        """The first event since the last `get` (waiting for one); `Unsubscribed` once closed."""
        while self._first is None:
            if self._closed:
                raise Unsubscribed()
            waiter = self._waiter = asyncio.get_running_loop().create_future()
            try:
                await waiter
            finally:
                self._waiter = None
        first, self._first = self._first, None
        return first

    def drain(self) -> list[Event]:
        """The latest event, if any arrived after the one `get` returned."""
        latest, self._latest = self._latest, None
        return [latest] if latest is not None else []

    def _offer(self, event: Event) -> None:
        if self._closed:
            return
        if self._first is None:
            self._first = event
            self._latest = None
        else:
            self._latest = event
        self._wake()

    def _close(self) -> None:
        self._closed = True
        self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)


@dataclass(eq=False)
class _Channel:
    """Per-channel bookkeeping: `users` counts tasks inside `subscribe()` for the channel."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    subscribers: set[Subscriber] = field(default_factory=set)
    users: int = 0
    backend_subscribed: bool = False


class Broadcast:
    """Publish/subscribe hub for one process; connects to a `BroadcastBackend`."""

    def __init__(
        self,
        url: str | None = None,
        *,
        backend: BroadcastBackend | None = None,
        queue_size: int = DEFAULT_QUEUE_SIZE,
    ) -> None:
        if queue_size < 1:
            raise ValueError("queue_size must be at least 1")
        self._backend = backend if backend is not None else create_backend(url)
        self.queue_size = queue_size
        self._channels: dict[str, _Channel] = {}
        self._listener_task: asyncio.Task[None] | None = None
        self._connected = False

    @property
    def backend(self) -> BroadcastBackend:
        """The backend this broadcast publishes to and listens on."""
        return self._backend

    async def __aenter__(self) -> Broadcast:
        await self.connect()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.disconnect()

    async def connect(self) -> None:
        """Connect the backend and start the listener task."""
        if self._connected:
            return
        await self._backend.connect()
        self._connected = True
        self._start_listener()

    async def disconnect(self) -> None:
        """Stop the listener, end every subscriber's iteration, disconnect the backend."""
        if not self._connected:
            return
        self._connected = False
        task, self._listener_task = self._listener_task, None
        if task is not None:
            task.cancel()
            await asyncio.wait([task])  # unlike `await task`, never swallows our own cancel
        for state in self._channels.values():
            for subscriber in state.subscribers:
                subscriber._close()
        await self._backend.disconnect()

    async def publish(self, channel: str, message: Any) -> None:
        """Publish `message` (a `str` for Redis) to every subscriber of `channel`, everywhere."""
        if not self._connected:
            raise RuntimeError("Broadcast.connect() has not been called")
        await self._backend.publish(channel, message)

    @asynccontextmanager
    async def subscribe(self, channel: str, *, wakeups: bool = False) -> AsyncIterator[Subscriber]:
        """Subscribe for the duration of the `async with` block (`wakeups`: a `Wakeups`
        subscriber, which keeps only the first and the latest event it was not given yet)."""
        if not self._connected:
            raise RuntimeError("Broadcast.connect() has not been called")
        subscriber = Wakeups(channel) if wakeups else Subscriber(channel, self.queue_size)
        state = self._channels.get(channel)
        if state is None:
            state = self._channels[channel] = _Channel()
        state.users += 1
        try:
            async with state.lock:
                if not self._connected:  # disconnected while we waited for the lock
                    raise RuntimeError("Broadcast was disconnected")
                if not state.backend_subscribed:
                    await self._backend.subscribe(channel)
                    state.backend_subscribed = True
                state.subscribers.add(subscriber)
            yield subscriber
        finally:
            subscriber._close()
            state.subscribers.discard(subscriber)
            # Shielded so a second cancellation can't leave the backend subscribed.
            await asyncio.shield(self._leave(channel, state))

    async def is_healthy(self) -> bool:
        """True when the listener runs and the backend (if it can tell) is healthy."""
        task = self._listener_task
        if not self._connected or task is None or task.done():
            return False
        check = getattr(self._backend, "is_healthy", None)
        return True if check is None else bool(await check())

    async def _leave(self, channel: str, state: _Channel) -> None:
        """Drop one user of `channel`; the last one unsubscribes the backend."""
        try:
            async with state.lock:
                if state.users == 1 and state.backend_subscribed and not state.subscribers:
                    state.backend_subscribed = False
                    try:
                        await self._backend.unsubscribe(channel)
                    except Exception:
                        logger.exception("could not unsubscribe the backend from %r", channel)
        finally:
            state.users -= 1
            if state.users == 0 and self._channels.get(channel) is state:
                del self._channels[channel]

    def _start_listener(self) -> None:
        task = asyncio.create_task(self._listener(), name="broadcast-listener")
        task.add_done_callback(self._on_listener_done)
        self._listener_task = task

    def _on_listener_done(self, task: asyncio.Task[None]) -> None:
        """Restart a listener that ended while we are still connected."""
        if task is not self._listener_task or not self._connected:
            return
        if task.cancelled():
            logger.error("broadcast listener was cancelled unexpectedly; restarting it")
        else:
            logger.error("broadcast listener died; restarting it", exc_info=task.exception())
        self._start_listener()

    async def _listener(self) -> None:
        """Move events from the backend to subscriber queues; never blocks on a subscriber.
        A backend with `drain_published()` (ours) hands over what it holds all at once."""
        drain = getattr(self._backend, "drain_published", None)
        while True:
            try:
                events = [await self._backend.next_published()]
                if drain is not None:
                    events += drain()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("broadcast backend failed to deliver; retrying")
                await asyncio.sleep(_LISTENER_RETRY_DELAY)
                continue
            channels = self._channels
            channel: str | None = None
            subscribers: list[Subscriber] = []
            for event in events:
                if event.channel != channel:  # (a burst is mostly one channel's)
                    channel = event.channel
                    state = channels.get(channel)
                    subscribers = list(state.subscribers) if state is not None else []
                for subscriber in subscribers:
                    subscriber._offer(event)


def create_backend(url: str | None, **redis_options: Any) -> BroadcastBackend:
    """Backend for a URL: empty/`memory://` in-process, `redis://`/`rediss://` Redis
    (`redis_options` go to `RedisBackend`, e.g. `client_name`)."""
    if not url:
        return MemoryBackend("memory://")
    scheme = urlparse(url).scheme
    if scheme == "memory":
        return MemoryBackend(url)
    if scheme in ("redis", "rediss"):
        return RedisBackend(url, **redis_options)
    raise ValueError(
        f"unsupported broadcast URL scheme {scheme!r}: use memory://, redis:// or rediss://"
    )


def create_broadcast(
    url: str | None, *, queue_size: int | None = None, **redis_options: Any
) -> Broadcast:
    """A `Broadcast` for `url` (e.g. `settings.REDIS_URL`); `queue_size` defaults to settings."""
    if queue_size is None:
        from settings import BROADCAST_QUEUE_SIZE

        queue_size = BROADCAST_QUEUE_SIZE
    return Broadcast(backend=create_backend(url, **redis_options), queue_size=queue_size)
