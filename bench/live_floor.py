"""The floor of live delivery on this machine (run by hand, not in CI): what two server
processes reach when all they do is write ready frames to the benchmark's parents.

    .venv/bin/python -m bench.live_floor --parents 5000

Two minimal servers (this module's `serve`: uvloop, the WebSocket handshake, the
graphql-transport-ws `connection_init`/`connection_ack`, no database, no Redis, no
authorisation) take the same parents as `bench.live_delivery`, on the same client processes
(`bench/live_clients.py`, lean sockets). On a signal each server writes `--burst` frames to
every parent it holds, round after round, each frame rendered for its parent (the shape and
size of a `messageAdded` delivery: a cursor, a message id, `sentAt`) and written with one
`transport.write`, yielding to the event loop every 500 frames as the feed does per batch.
It prints deliveries per second per process from the signal to the last receipt, the
servers' and clients' CPU per delivery, and checks that every parent got every frame once.
`bench.live_delivery` gives the same figures for Ouderlink: the difference is what reading
events, authorising and rendering cost, and what is left for them on these cores.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.live_delivery import (  # noqa: E402
    Clients,
    cpu_seconds,
    free_port,
    latency_line,
)
from subscriptions.lean_protocol import text_frame  # noqa: E402  (the server's own framing)

_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
_YIELD_EVERY = 500


class FloorConnection(asyncio.Protocol):
    """One parent: the handshake, then masked client frames read for their type only."""

    def __init__(self, subscribed: list[FloorConnection]) -> None:
        self.subscribed = subscribed
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.upgraded = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def connection_lost(self, exc: Exception | None) -> None:
        if self in self.subscribed:
            self.subscribed.remove(self)

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer
        buffer += data
        if not self.upgraded:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(buffer[:end]).decode("latin-1")
            del buffer[: end + 4]
            key = next(
                line.split(":", 1)[1].strip()
                for line in head.split("\r\n")
                if line.lower().startswith("sec-websocket-key:")
            )
            accept = base64.b64encode(hashlib.sha1(key.encode() + _GUID).digest()).decode()
            assert self.transport is not None
            self.transport.write(
                (
                    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                    f"Connection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n"
                    "Sec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n"
                ).encode()
            )
            self.upgraded = True
        while len(buffer) >= 2:
            length = buffer[1] & 0x7F
            start = {126: 4, 127: 10}.get(length, 2)
            if len(buffer) < start:
                return  # (the extended length has not all arrived)
            if start > 2:
                length = int.from_bytes(buffer[2:start], "big")
            if len(buffer) < start + 4 + length:
                return
            mask = buffer[start : start + 4]
            masked = buffer[start + 4 : start + 4 + length]
            payload = bytes(b ^ mask[i % 4] for i, b in enumerate(masked))
            del buffer[: start + 4 + length]
            self.message(payload)

    def message(self, payload: bytes) -> None:
        assert self.transport is not None
        if b'"connection_init"' in payload:
            self.transport.write(text_frame('{"type":"connection_ack"}'))
        elif b'"subscribe"' in payload:
            self.subscribed.append(self)


async def burst(subscribed: list[FloorConnection], rounds: int, sequence: int) -> None:
    """`rounds` frames to every subscribed parent, round after round."""
    sent_at = datetime.now(UTC).isoformat()
    count = 0
    for round_ in range(rounds):
        for n, connection in enumerate(list(subscribed)):
            cursor = base64.b64encode(f"event:{sequence}:{round_}:{n}".encode()).decode()
            node = base64.b64encode(f"Message:{n}".encode()).decode()
            text = (
                '{"id":"1","type":"next","payload":{"data":{"messageAdded":{"cursor":"'
                + cursor
                + '","node":{"id":"'
                + node
                + '","sentAt":"'
                + sent_at
                + '"}}}}}'
            )
            if connection.transport is not None:
                connection.transport.write(text_frame(text))
            count += 1
            if count % _YIELD_EVERY == 0:
                await asyncio.sleep(0)


async def serve(port: int, rounds: int) -> None:
    loop = asyncio.get_running_loop()
    subscribed: list[FloorConnection] = []
    bursts = 0

    running: set[asyncio.Task[None]] = set()

    def on_signal() -> None:
        nonlocal bursts
        bursts += 1
        task = loop.create_task(burst(subscribed, rounds, bursts))
        running.add(task)
        task.add_done_callback(running.discard)

    loop.add_signal_handler(signal.SIGUSR1, on_signal)
    server = await loop.create_server(
        lambda: FloorConnection(subscribed), "127.0.0.1", port, backlog=4096
    )
    async with server:
        await server.serve_forever()


def start_server(port: int, rounds: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "bench.live_floor", "--serve", str(port)]
    return subprocess.Popen([*command, "--burst", str(rounds)], cwd=ROOT)


async def run(args: argparse.Namespace) -> None:
    ports = [free_port() for _ in range(2)]
    servers = [start_server(port, args.burst) for port in ports]
    clients = None
    try:
        for port in ports:
            for _ in range(200):
                with socket.socket() as probe:
                    if probe.connect_ex(("127.0.0.1", port)) == 0:
                        break
                await asyncio.sleep(0.05)
        tokens = [f"parent-{n}" for n in range(args.parents)]
        pairs = [(token, ports[n % 2]) for n, token in enumerate(tokens)]
        clients = Clients(pairs, max(1, args.parents // 2500), "")
        await clients.connected()
        await asyncio.sleep(2)
        expected = args.parents * args.burst
        print(f"{args.parents} parents connected to two floor servers")
        for round_ in range(args.bursts):
            await clients.ask("reset")
            before = sum(cpu_seconds(s.pid) for s in servers)
            client_before = sum(c for _, _, c in await clients.ask("stats"))
            started = time.time()
            for server in servers:
                server.send_signal(signal.SIGUSR1)
            done = await clients.wait_for(expected, 120)
            latencies, client_after = await clients.stats()  # (no frame reached anyone twice)
            if len(latencies) != expected:
                raise AssertionError(f"{len(latencies)} deliveries, expected {expected}")
            used = max(sum(cpu_seconds(s.pid) for s in servers) - before, 0.01)  # (ticks)
            elapsed = done - started
            print(
                f"\n[burst {round_ + 1}] {expected} deliveries in {elapsed:.2f}s: "
                f"{expected / elapsed / 2:.0f} per second per process"
            )
            print(f"[burst {round_ + 1}] latency from the signal: {latency_line(latencies)}")
            print(
                f"[burst {round_ + 1}] server CPU {used / expected * 1e6:.0f} µs per delivery, "
                f"clients {(client_after - client_before) / expected * 1e6:.0f} µs; "
                f"a server process with a core of its own: {expected / used:.0f} per second"
            )
    finally:
        if clients is not None:
            await clients.stop()
        for server in servers:
            server.terminate()
            server.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parents", type=int, default=5000)
    parser.add_argument("--burst", type=int, default=4, help="frames per parent per burst")
    parser.add_argument("--bursts", type=int, default=3)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)  # (a server process)
    args = parser.parse_args()
    import uvloop

    if args.serve:
        uvloop.run(serve(args.serve, args.burst))
    else:
        uvloop.run(run(args))


if __name__ == "__main__":
    main()
