"""subscriptions.keepalive: every connection is pinged once per interval, the pings spread
over the interval rather than sent to all connections at once (the real sockets' pings are
tested end to end in tests/api/test_websocket.py)."""

from __future__ import annotations

import asyncio
import time
from collections import Counter

import settings
from subscriptions import keepalive


class Recorder:
    """A connection as the keep-alive sees it: something with an outbox taking frames; this
    one notes when each frame came."""

    def __init__(self) -> None:
        self.outbox = self
        self.pings: list[float] = []

    def put(self, text: str) -> None:
        assert text == keepalive.PING
        self.pings.append(time.monotonic())


async def test_each_connection_is_pinged_once_per_interval_and_not_all_at_once(monkeypatch):
    # given 300 connections and an interval of 0.6 s
    monkeypatch.setattr(settings, "WS_KEEPALIVE_SECONDS", 0.6)
    connections = [Recorder() for _ in range(300)]
    started = time.monotonic()
    for connection in connections:
        keepalive.add(connection)
    slices = {connection: keepalive.slice_of(connection) for connection in connections}
    try:
        # when two intervals and a bit have passed
        await asyncio.sleep(1.3)
    finally:
        for connection in connections:
            keepalive.discard(connection)
    # then every connection was pinged at least twice, an interval apart
    assert all(len(c.pings) >= 2 for c in connections)
    gaps = [b - a for c in connections for a, b in zip(c.pings, c.pings[1:], strict=False)]
    assert all(0.5 < gap < 1.0 for gap in gaps), (min(gaps), max(gaps))
    # and the connections were pinged a slice at a time, the slices even and spread over the
    # interval (each slice's pings together)
    assert Counter(slices.values()) == dict.fromkeys(range(keepalive.SLICES), 20)
    first = {
        s: [c.pings[0] - started for c in connections if slices[c] == s] for s in slices.values()
    }
    assert all(max(times) - min(times) < 0.02 for times in first.values())
    assert min(map(min, first.values())) < 0.2 and max(map(max, first.values())) > 0.5
    assert keepalive.slice_of(connections[0]) is None  # (discarded)
