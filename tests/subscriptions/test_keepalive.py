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


class Peer:
    """What a watched connection's protocol offers the keep-alive: when it last heard from
    the peer (loop time), and a way to time the connection out."""

    def __init__(self, heard_at: float) -> None:
        self.heard_at = heard_at
        self.timed_out = 0

    def time_out(self) -> None:
        self.timed_out += 1


async def test_a_watched_connection_silent_past_the_timeout_is_timed_out_instead_of_pinged(
    monkeypatch,
):
    # given pings every 0.3 s, a timeout of 0.3 s, and three watched connections: one heard
    # from just now, one silent for longer than a ping and its timeout, and one not watched
    monkeypatch.setattr(settings, "WS_KEEPALIVE_SECONDS", 0.3)
    monkeypatch.setattr(settings, "WS_KEEPALIVE_TIMEOUT_SECONDS", 0.3)
    now = asyncio.get_running_loop().time()
    answering, silent, unwatched = Recorder(), Recorder(), Recorder()
    answering_peer, silent_peer = Peer(now), Peer(now - 0.7)
    keepalive.add(answering, answering_peer)
    keepalive.add(silent, silent_peer)
    keepalive.add(unwatched)
    try:
        # when an interval and a bit have passed
        await asyncio.sleep(0.4)
        # then the silent one was timed out once, not pinged, and left the keep-alive; the
        # others were pinged
        assert silent_peer.timed_out == 1 and silent.pings == []
        assert keepalive.slice_of(silent) is None
        assert answering_peer.timed_out == 0 and answering.pings
        assert unwatched.pings
    finally:
        for connection in (answering, silent, unwatched):
            keepalive.discard(connection)
