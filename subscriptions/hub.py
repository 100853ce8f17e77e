"""The process-wide broadcast: in-process by default, Redis when REDIS_URL is set.

- `start(url)` does not fail when Redis is down: the process starts anyway and keeps
  connecting in the background with capped backoff (`/readyz` says "broadcast: error" until
  it is connected).
- `publisher()` is the `Publisher` the resolvers hand to services: after commit it publishes
  in a background task, so a slow or absent Redis never slows a mutation down.
- The relay publishes events whose publication failed (Redis was down, the process died
  between commit and publish): when the broadcast connects and every
  `RELAY_INTERVAL_SECONDS` after that.
- Channel names start with `BROADCAST_CHANNEL_PREFIX`, so deployments or test runs sharing
  one Redis never hear each other.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from dataclasses import dataclass, field
from datetime import timedelta

import settings
from services import clock
from services.events import Publisher, StoredEvent, unpublished_events
from subscriptions.broadcast import Broadcast, BroadcastUnavailable, create_broadcast
from subscriptions.publisher import BroadcastPublisher

logger = logging.getLogger(__name__)

_MAX_CONNECT_BACKOFF = 5.0
_RELAY_BATCH = 500


@dataclass(eq=False)
class _Hub:
    broadcast: Broadcast
    prefix: str
    connected: bool = False
    relay_kick: asyncio.Event = field(default_factory=asyncio.Event)
    tasks: set[asyncio.Task] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.publisher = BroadcastPublisher(self.current, self.prefix)

    def current(self) -> Broadcast | None:
        return self.broadcast if self.connected else None

    def spawn(self, coro, name: str) -> asyncio.Task:  # type: ignore[no-untyped-def]
        task = asyncio.create_task(coro, name=name)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task


_hub: _Hub | None = None


async def start(url: str | None, *, relay: bool = True) -> Broadcast:
    """Create the broadcast and connect it (now, or in the background if Redis is down)."""
    global _hub
    if _hub is not None:
        return _hub.broadcast
    client_name = f"{settings.BROADCAST_CLIENT_NAME}-{os.getpid()}"
    broadcast = create_broadcast(url or None, client_name=client_name)
    hub = _hub = _Hub(broadcast, settings.BROADCAST_CHANNEL_PREFIX)
    try:
        await broadcast.connect()
        hub.connected = True
    except BroadcastUnavailable as exc:
        logger.warning("broadcast unavailable at start (%s); connecting in the background", exc)
        hub.spawn(_connect_forever(hub), "broadcast-connect")
    if relay:
        hub.spawn(_relay_forever(hub), "event-relay")
    return broadcast


async def stop() -> None:
    """Let pending publications finish (briefly), stop the background tasks, disconnect."""
    global _hub
    hub, _hub = _hub, None
    if hub is None:
        return
    publishing = [t for t in hub.tasks if t.get_name() == "publish"]
    if publishing:
        await asyncio.wait(publishing, timeout=5)
    for task in list(hub.tasks):
        task.cancel()
    if hub.tasks:
        await asyncio.wait(list(hub.tasks))
    hub.connected = False
    await hub.broadcast.disconnect()


def broadcast() -> Broadcast:
    """The connected broadcast; RuntimeError when it is not started or not connected yet."""
    if _hub is None or not _hub.connected:
        raise RuntimeError("the broadcast is not connected")
    return _hub.broadcast


def channel(topic: str) -> str:
    """The broadcast channel of an event topic."""
    return f"{settings.BROADCAST_CHANNEL_PREFIX if _hub is None else _hub.prefix}{topic}"


async def is_healthy() -> bool:
    return _hub is not None and _hub.connected and await _hub.broadcast.is_healthy()


class _AfterCommitPublisher:
    """Publishes in a background task; failures are the relay's to repair."""

    async def publish(self, event: StoredEvent) -> None:
        hub = _hub
        if hub is not None:
            hub.spawn(hub.publisher.publish(event), "publish")


def publisher() -> Publisher:
    """The publisher for services (a no-op until `start`: the relay publishes later)."""
    return _AfterCommitPublisher()


async def relay_once(grace_seconds: float | None = None) -> int:
    """Publish every event older than the grace period that was never published."""
    hub = _hub
    if hub is None or not hub.connected:
        return 0
    grace = settings.RELAY_GRACE_SECONDS if grace_seconds is None else grace_seconds
    total = 0
    while True:
        events = await unpublished_events(clock.now() - timedelta(seconds=grace), _RELAY_BATCH)
        if not events:
            return total
        done = await hub.publisher.publish_many(events)
        total += len(done)
        if len(done) < len(events):
            return total


async def _connect_forever(hub: _Hub) -> None:
    delay = 0.1
    while not hub.connected:
        await asyncio.sleep(delay)
        delay = min(delay * 2, _MAX_CONNECT_BACKOFF)
        try:
            await hub.broadcast.connect()
        except BroadcastUnavailable as exc:
            logger.info("broadcast still unavailable: %s", exc)
            continue
        hub.connected = True
        hub.relay_kick.set()
        logger.info("broadcast connected")


async def _relay_forever(hub: _Hub) -> None:
    while True:
        try:
            count = await relay_once()
            if count:
                logger.info("relay published %d event(s) that were not published before", count)
        except Exception:
            logger.exception("event relay failed; retrying later")
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(settings.RELAY_INTERVAL_SECONDS):
                await hub.relay_kick.wait()
        hub.relay_kick.clear()
