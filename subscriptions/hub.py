"""The process-wide broadcast: in-process by default, Redis when REDIS_URL is set."""

from __future__ import annotations

from subscriptions.broadcast import Broadcast, create_broadcast

_broadcast: Broadcast | None = None


async def start(url: str | None) -> Broadcast:
    global _broadcast
    _broadcast = create_broadcast(url or None)
    await _broadcast.connect()
    return _broadcast


async def stop() -> None:
    global _broadcast
    if _broadcast is not None:
        await _broadcast.disconnect()
        _broadcast = None


def broadcast() -> Broadcast:
    if _broadcast is None:
        raise RuntimeError("the broadcast is not started")
    return _broadcast


async def is_healthy() -> bool:
    return _broadcast is not None and await _broadcast.is_healthy()
