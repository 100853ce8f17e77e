"""The parents' side of `bench.live_delivery`: one client process holding a share of the
WebSockets (graphql-transport-ws, one `messageAdded` subscription each), recording the
latency from each message's `sentAt` to its receipt. A lean parent keeps each `next` frame
with its time of receipt and parses it when asked for stats, so that during a burst the
clients spend their CPU on the sockets, not on JSON. The sockets are `bench.lean_ws`'s
(`client` "lean": `LeanParent`) or the websockets library's ("websockets", or
"websockets+deflate" offering permessage-deflate as browsers do: `Parent`). Driven over a
`multiprocessing` pipe:

    ("count",) -> (deliveries so far, when the last arrived)   ("reset",) -> forget them
    ("stats",) -> (repeated deliveries, latencies, CPU seconds of this process)   ("stop",)

A repeated delivery is an event (its cursor) that a parent received more than once.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import resource
import sys
import time
from datetime import datetime
from multiprocessing.connection import Connection

import orjson
import websockets

from bench import lean_ws

# How a `next` frame of the parents' one subscription begins (as the server writes it).
NEXT = b'{"id":"1","type":"next"'
SUBSCRIPTION = """subscription($after: String) {
  messageAdded(after: $after) { cursor node { id sentAt } } }"""


class Receipts:
    """What a parent received: per delivery the latency from `sentAt`, and the cursor;
    `unread` holds (when, frame) of deliveries not parsed yet (`settle` parses them)."""

    __slots__ = ("cursors", "latencies", "token", "unread")

    # This process's deliveries since the last reset, and when the latest arrived
    # (time.time()): the benchmark polls them, so they are kept as they come.
    total = 0
    last_at = 0.0

    def __init__(self, token: str) -> None:
        self.token = token
        self.latencies: list[float] = []
        self.cursors: list[str] = []
        self.unread: list[tuple[float, bytes]] = []

    def settle(self) -> None:
        """Parse the deliveries kept unread during a burst."""
        unread, self.unread = self.unread, []
        for now, raw in unread:
            self.record(orjson.loads(raw), now)

    def record(self, message: dict, now: float) -> None:
        """A `next` message, received at `now` (time.time())."""
        edge = message["payload"]["data"]["messageAdded"]
        self.latencies.append(now - datetime.fromisoformat(edge["node"]["sentAt"]).timestamp())
        self.cursors.append(edge["cursor"])


class Parent(Receipts):
    """One connected parent: a websockets socket with one subscription."""

    __slots__ = ("task", "ws")

    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.ws = None
        self.task: asyncio.Task | None = None

    async def connect(self, port: int, after: str, client: str) -> None:
        self.ws = await websockets.connect(
            f"ws://127.0.0.1:{port}/graphql",
            subprotocols=["graphql-transport-ws"],
            open_timeout=120,
            ping_interval=None,
            max_queue=None,
            compression="deflate" if client == "websockets+deflate" else None,
        )
        await self.ws.send(
            json.dumps({"type": "connection_init", "payload": {"token": self.token}})
        )
        ack = json.loads(await self.ws.recv())
        assert ack["type"] == "connection_ack", ack
        payload = {"query": SUBSCRIPTION, "variables": {"after": after}}
        await self.ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        self.task = asyncio.create_task(self.read())

    async def read(self) -> None:
        with contextlib.suppress(websockets.ConnectionClosed):
            async for raw in self.ws:
                now = time.time()
                message = json.loads(raw)
                if message["type"] == "ping":
                    await self.ws.send('{"type":"pong"}')
                elif message["type"] == "next":
                    self.record(message, now)
                    Receipts.total += 1
                    Receipts.last_at = now
                elif message["type"] in ("error", "complete"):
                    print("subscription ended:", message, file=sys.stderr)
                    return

    async def close(self) -> None:
        if self.task:
            self.task.cancel()
        if self.ws:
            with contextlib.suppress(Exception):
                await self.ws.close()


class LeanParent(Receipts):
    """One connected parent on a `bench.lean_ws` socket (the frames parsed as they come)."""

    __slots__ = ("acked", "ws")

    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.ws: lean_ws.LeanWebSocket | None = None
        self.acked: asyncio.Future[None] | None = None

    async def connect(self, port: int, after: str, client: str) -> None:
        self.acked = asyncio.get_running_loop().create_future()
        ws = self.ws = await lean_ws.connect("127.0.0.1", port, "/graphql", "graphql-transport-ws")
        ws.on_text = self.received
        ws.send_text(json.dumps({"type": "connection_init", "payload": {"token": self.token}}))
        await asyncio.wait_for(self.acked, 120)
        payload = {"query": SUBSCRIPTION, "variables": {"after": after}}
        ws.send_text(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))

    def received(self, raw: bytes) -> None:
        now = time.time()
        if raw.startswith(NEXT):  # parsed after the burst: its CPU not in the clients' way
            self.unread.append((now, raw))
            Receipts.total += 1
            Receipts.last_at = now
            return
        message = orjson.loads(raw)
        kind = message["type"]
        if kind == "next":
            self.record(message, now)
        elif kind == "ping":
            assert self.ws is not None
            self.ws.send_text('{"type":"pong"}')
        elif kind == "connection_ack":
            assert self.acked is not None
            self.acked.set_result(None)
        elif kind in ("error", "complete"):
            print("subscription ended:", message, file=sys.stderr)

    async def close(self) -> None:
        if self.ws is not None:
            self.ws.close()


async def _serve(
    conn: Connection, tokens: list[str], ports: list[int], after: str, client: str
) -> None:
    kind = LeanParent if client == "lean" else Parent
    parents = [kind(t) for t in tokens]
    semaphore = asyncio.Semaphore(100)

    async def connect(parent: Parent | LeanParent, port: int) -> None:
        async with semaphore:
            await parent.connect(port, after, client)

    await asyncio.gather(*(connect(p, ports[i % len(ports)]) for i, p in enumerate(parents)))
    # What connecting built lives as long as the process: out of the collector's way, and
    # young collections rare (a burst keeps every frame until it is parsed, and each kept
    # frame used to be walked again by collection after collection: ~6% of a client's CPU).
    gc.collect()
    gc.freeze()
    gc.set_threshold(100_000, 50, 50)
    conn.send(("connected", len(parents)))
    while True:
        command = (await asyncio.to_thread(conn.recv))[0]
        if command == "count":
            conn.send((Receipts.total, Receipts.last_at))
        elif command == "reset":
            for parent in parents:
                parent.latencies.clear()
                parent.cursors.clear()
                parent.unread.clear()
            Receipts.total, Receipts.last_at = 0, 0.0
            conn.send("ok")
        elif command == "stats":
            cpu = time.process_time()  # (the CPU of parsing afterwards is not the burst's)
            for parent in parents:
                parent.settle()
            latencies = [lat for p in parents for lat in p.latencies]
            repeated = sum(len(p.cursors) - len(set(p.cursors)) for p in parents)
            conn.send((repeated, latencies, cpu))
        elif command == "stop":
            await asyncio.gather(*(p.close() for p in parents))
            conn.send("bye")
            return


def main(conn: Connection, tokens: list[str], ports: list[int], after: str, client: str) -> None:
    """Entry point of a client process (`multiprocessing.Process(target=main, ...)`)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 2 * len(tokens) + 256)), hard))
    try:
        import uvloop
    except ImportError:
        asyncio.run(_serve(conn, tokens, ports, after, client))
    else:
        uvloop.run(_serve(conn, tokens, ports, after, client))
