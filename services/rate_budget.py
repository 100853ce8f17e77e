"""Query budgets: a leaky bucket of cost points per caller (`token:<id>`, `user:<id>`, or
`address:<ip>` for anonymous callers).

A bucket holds at most `capacity` points and refills at `restore_rate` points a second. A query
takes its cost from the bucket before it runs; when the bucket holds less than the cost the
query is refused, with the seconds to wait until it would fit. With Redis the buckets are shared
by every server process (one atomic Lua script per query, Redis's own clock); without Redis each
process keeps its own. When Redis cannot be reached the query runs (fail open) and a warning
is logged: budgets protect the service, they must not take it down.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import RedisError

import settings
from services import redis_client

logger = logging.getLogger("ouderlink.budget")

BUDGET_EXHAUSTED = "BUDGET_EXHAUSTED"

# KEYS[1] the bucket; ARGV capacity, restore rate (points/s), cost. Returns {allowed, available}.
_TAKE = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'available', 'at')
local available = tonumber(state[1])
local at = tonumber(state[2])
if available == nil or at == nil then
  available = capacity
  at = now
end
available = math.min(capacity, available + math.max(0, now - at) * rate)
local allowed = 0
if available >= cost then
  available = available - cost
  allowed = 1
end
redis.call('HSET', KEYS[1], 'available', tostring(available), 'at', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil((capacity - available) / rate) + 1)
return {allowed, tostring(available)}
"""


@dataclass(frozen=True, slots=True)
class Budget:
    """The outcome of taking `cost` points: allowed or not, and what is left afterwards."""

    allowed: bool
    cost: int
    available: float
    capacity: int
    restore_rate: float

    @property
    def retry_after_seconds(self) -> int:
        """Whole seconds until the refused cost fits (0 when allowed)."""
        if self.allowed:
            return 0
        return max(1, math.ceil((self.cost - self.available) / self.restore_rate))


class LeakyBucket:
    def __init__(
        self,
        capacity: int,
        restore_rate: float,
        *,
        redis: Redis | None = None,
        prefix: str = "budget:",
    ) -> None:
        if capacity <= 0 or restore_rate <= 0:
            raise ValueError("capacity and restore rate must be positive")
        self.capacity = capacity
        self.restore_rate = restore_rate
        self.redis = redis
        # EVALSHA, falling back to EVAL once when Redis does not know the script yet.
        self._script = redis.register_script(_TAKE) if redis is not None else None
        self.prefix = prefix
        self._local: dict[str, tuple[float, float]] = {}

    async def take(self, caller: str, cost: int) -> Budget:
        """Take `cost` points from the caller's bucket, or refuse when they are not there."""
        if self._script is not None:
            try:
                allowed, available = await self._script(
                    keys=[self.prefix + caller], args=[self.capacity, self.restore_rate, cost]
                )
                return self._budget(bool(int(allowed)), cost, float(available))
            except RedisError as error:
                logger.warning("query budget unavailable (%s): letting the query run", error)
                return self._budget(True, cost, float(self.capacity))
        return self._take_local(caller, cost)

    def _take_local(self, caller: str, cost: int) -> Budget:
        now = time.monotonic()
        available, at = self._local.get(caller, (float(self.capacity), now))
        available = min(self.capacity, available + max(0.0, now - at) * self.restore_rate)
        allowed = available >= cost
        if allowed:
            available -= cost
        self._local[caller] = (available, now)
        if len(self._local) > 10_000:
            self._forget_full(now)
        return self._budget(allowed, cost, available)

    def _forget_full(self, now: float) -> None:
        """Drop buckets that have refilled completely: they equal a fresh one."""
        for caller, (available, at) in list(self._local.items()):
            if available + (now - at) * self.restore_rate >= self.capacity:
                del self._local[caller]

    def _budget(self, allowed: bool, cost: int, available: float) -> Budget:
        return Budget(allowed, cost, available, self.capacity, self.restore_rate)


_in_process: LeakyBucket | None = None
_shared: LeakyBucket | None = None


def bucket() -> LeakyBucket:
    """The bucket from settings: in Redis when REDIS_URL is set, else in this process."""
    global _in_process, _shared
    capacity, rate = settings.RATE_BUDGET_CAPACITY, settings.RATE_BUDGET_RESTORE_RATE
    client = redis_client.shared_client()
    if client is not None:
        prefix = redis_client.key("budget", "")
        if (
            _shared is None
            or _shared.redis is not client
            or (_shared.capacity, _shared.restore_rate, _shared.prefix) != (capacity, rate, prefix)
        ):
            _shared = LeakyBucket(capacity, rate, redis=client, prefix=prefix)
        return _shared
    if _in_process is None or (_in_process.capacity, _in_process.restore_rate) != (capacity, rate):
        _in_process = LeakyBucket(capacity, rate)
    return _in_process


async def forget_all() -> None:
    """Forget every bucket: all callers start full. For tests, whose clean databases hand out
    the same user and token ids again (and so the same callers)."""
    global _in_process
    _in_process = None
    client = redis_client.shared_client()
    if client is None:
        return
    keys = [k async for k in client.scan_iter(match=redis_client.key("budget", "*"), count=500)]
    if keys:
        await client.delete(*keys)
