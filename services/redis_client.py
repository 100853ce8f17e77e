"""One `redis.asyncio` client per event loop for small shared state (query budgets, persisted
queries); None in embedded mode (REDIS_URL empty). Pub/sub has its own connections
(subscriptions.redis_backend)."""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis

import settings

_client: Redis | None = None
_loop: asyncio.AbstractEventLoop | None = None
_url = ""


def shared_client() -> Redis | None:
    """The client for settings.REDIS_URL, created on first use in the running loop."""
    global _client, _loop, _url
    if not settings.REDIS_URL:
        return None
    loop = asyncio.get_running_loop()
    if _client is None or _loop is not loop or _url != settings.REDIS_URL:
        _client = Redis.from_url(settings.REDIS_URL, socket_timeout=2.0, socket_connect_timeout=2.0)
        _loop, _url = loop, settings.REDIS_URL
    return _client


def key(*parts: str) -> str:
    """A key under REDIS_KEY_PREFIX, so deployments (and test runs) sharing a Redis never mix."""
    return settings.REDIS_KEY_PREFIX + ":".join(parts)
