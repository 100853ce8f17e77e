"""Live delivery benchmark (run by hand, not in CI): N parents connected over WebSocket to two
server processes that share PostgreSQL and Redis, staff sending messages in conversations of
two guardians and three staff.

    .venv/bin/python -m bench.live_delivery --parents 1000

It creates its own database (dropped afterwards), builds the dataset through the project's
models, starts two `uvicorn server:app` processes, connects the parents (half to each
process; each subscribes to `messageAdded` for all their conversations), lets staff send
`--rounds` messages in every conversation through both processes, and prints:

- delivery latency p50/p99: from the message's `sentAt` (set inside its transaction, just
  before commit) to its receipt by the parent's client;
- deliveries per second over the sending phase (first send to last receipt);
- server memory per connection: the growth of the two processes' RSS from before the
  parents connected to after they all subscribed, divided by the connections.

The client side (all sockets in this one process) is measured too: when it is the bottleneck
the figures say more about it than about the server.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import secrets
import socket
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402
import httpx  # noqa: E402
import websockets  # noqa: E402

CHILDREN_PER_GROUP = 10
STAFF_PER_GROUP = 3
GUARDIANS_PER_CHILD = 2
SUBSCRIPTION = """subscription($after: String) {
  messageAdded(after: $after) { cursor node { id sentAt } } }"""
COMPRESSION = True  # permessage-deflate, as browsers negotiate it (--no-compression)
SEND = """mutation($input: SendMessageInput!) {
  sendMessage(input: $input) { __typename } }"""


@dataclass
class Dataset:
    parent_tokens: list[str] = field(default_factory=list)
    # per conversation: (global id, token of one of its staff members)
    conversations: list[tuple[str, str]] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def build(url: str, parents: int) -> Dataset:
    """One organisation; children with two guardians each; groups of ten with three staff;
    one conversation per child; a session per user (no password hashing)."""
    from tortoise import Tortoise

    import db
    from models import (
        CareType,
        Child,
        Conversation,
        Group,
        Guardianship,
        Location,
        Organisation,
        Placement,
        Role,
        Session,
        StaffAssignment,
        User,
    )
    from schema.ids import to_global_id
    from services.auth import hash_token

    await db.apply_migrations(url)
    await Tortoise.init(config=db.tortoise_config(url))
    try:
        org = await Organisation.create(slug="bench", name="Bench")
        loc = await Location.create(organisation=org, name="Bench")
        children_count = max(1, parents // GUARDIANS_PER_CHILD)
        groups_count = (children_count + CHILDREN_PER_GROUP - 1) // CHILDREN_PER_GROUP
        await Group.bulk_create(
            [
                Group(
                    organisation=org,
                    location=loc,
                    name=f"G{g}",
                    care_type=CareType.KDV,
                    capacity=20,
                )
                for g in range(groups_count)
            ]
        )
        groups = await Group.filter(organisation=org).order_by("id")
        users = [
            User(
                organisation=org,
                email=f"p{n}@b",
                first_name="P",
                last_name=str(n),
                role=Role.PARENT,
            )
            for n in range(children_count * GUARDIANS_PER_CHILD)
        ] + [
            User(
                organisation=org, email=f"s{n}@b", first_name="S", last_name=str(n), role=Role.STAFF
            )
            for n in range(groups_count * STAFF_PER_GROUP)
        ]
        await User.bulk_create(users, batch_size=1000)
        parent_rows = await User.filter(organisation=org, role=Role.PARENT).order_by("id")
        staff_rows = await User.filter(organisation=org, role=Role.STAFF).order_by("id")
        await Child.bulk_create(
            [
                Child(
                    organisation=org, first_name="K", last_name=str(n), birth_date=date(2024, 1, 1)
                )
                for n in range(children_count)
            ],
            batch_size=1000,
        )
        children = await Child.filter(organisation=org).order_by("id")
        start = date.today() - timedelta(days=30)
        await Guardianship.bulk_create(
            [
                Guardianship(child=c, user=parent_rows[i * GUARDIANS_PER_CHILD + k])
                for i, c in enumerate(children)
                for k in range(GUARDIANS_PER_CHILD)
            ],
            batch_size=1000,
        )
        await Placement.bulk_create(
            [
                Placement(
                    organisation=org,
                    child=c,
                    group=groups[i // CHILDREN_PER_GROUP],
                    care_type=CareType.KDV,
                    start_date=start,
                )
                for i, c in enumerate(children)
            ],
            batch_size=1000,
        )
        await StaffAssignment.bulk_create(
            [
                StaffAssignment(user=s, group=groups[i // STAFF_PER_GROUP], start_date=start)
                for i, s in enumerate(staff_rows)
            ],
            batch_size=1000,
        )
        now = datetime.now(UTC)
        await Conversation.bulk_create(
            [
                Conversation(
                    organisation=org,
                    child=c,
                    group=groups[i // CHILDREN_PER_GROUP],
                    last_message_at=now,
                )
                for i, c in enumerate(children)
            ],
            batch_size=1000,
        )
        tokens: dict[int, str] = {}
        sessions = []
        for user in [*parent_rows, *staff_rows]:
            tokens[user.id] = secrets.token_urlsafe(32)
            sessions.append(
                Session(
                    user=user,
                    token_hash=hash_token(tokens[user.id]),
                    expires_at=now + timedelta(days=1),
                )
            )
        await Session.bulk_create(sessions, batch_size=1000)
        data = Dataset(parent_tokens=[tokens[p.id] for p in parent_rows])
        conversations = await Conversation.filter(organisation=org).order_by("id")
        for i, conversation in enumerate(conversations):
            group_index = i // CHILDREN_PER_GROUP
            staff = staff_rows[group_index * STAFF_PER_GROUP + i % STAFF_PER_GROUP]
            data.conversations.append(
                (to_global_id("Conversation", conversation.id), tokens[staff.id])
            )
        return data
    finally:
        await Tortoise.close_connections()


class Server:
    def __init__(self, env: dict[str, str], profile: str | None = None) -> None:
        self.port = free_port()
        self.log = Path(f"/tmp/ouderlink-bench-{self.port}.log")
        module = "uvicorn"
        if profile:
            module = "bench.profiled_server"
            env = {**env, "BENCH_PROFILE_OUT": f"{profile}/server-{self.port}.prof"}
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", module, "server:app", "--port", str(self.port)),
                *("--host", "127.0.0.1", "--log-level", "warning"),
            ],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def ready(self) -> None:
        async with httpx.AsyncClient() as http:
            for _ in range(300):
                if self.process.poll() is not None:
                    raise RuntimeError(self.log.read_text())
                with contextlib.suppress(httpx.HTTPError):
                    if (await http.get(f"{self.url}/readyz")).status_code == 200:
                        return
                await asyncio.sleep(0.1)
        raise RuntimeError(f"server on {self.port} did not get ready")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


class Parent:
    """One connected parent: a socket with one subscription, recording latencies."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.latencies: list[float] = []
        self.received = 0
        self.ws = None
        self.task: asyncio.Task | None = None

    async def connect(self, server: Server, after: str) -> None:
        self.ws = await websockets.connect(
            f"ws://127.0.0.1:{server.port}/graphql",
            subprotocols=["graphql-transport-ws"],
            open_timeout=60,
            ping_interval=None,
            max_queue=None,
            compression="deflate" if COMPRESSION else None,
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
                    node = message["payload"]["data"]["messageAdded"]["node"]
                    sent = datetime.fromisoformat(node["sentAt"]).timestamp()
                    self.latencies.append(now - sent)
                    self.received += 1
                elif message["type"] in ("error", "complete"):
                    print("subscription ended:", message, file=sys.stderr)
                    return

    async def close(self) -> None:
        if self.task:
            self.task.cancel()
        if self.ws:
            with contextlib.suppress(Exception):
                await self.ws.close()


async def wait_for(parents: list[Parent], expected: int, seconds: float) -> None:
    deadline = time.time() + seconds
    while sum(p.received for p in parents) < expected:
        if time.time() > deadline:
            got = sum(p.received for p in parents)
            raise TimeoutError(f"received {got} of {expected} deliveries")
        await asyncio.sleep(0.05)


async def send_all(
    servers: list[Server], conversations: list[tuple[str, str]], rounds: int, concurrency: int
) -> None:
    queue: asyncio.Queue = asyncio.Queue()
    for r in range(rounds):
        for n, (conversation, token) in enumerate(conversations):
            queue.put_nowait((servers[(n + r) % len(servers)], conversation, token, f"r{r} m{n}"))

    async def worker(http: httpx.AsyncClient) -> None:
        while not queue.empty():
            server, conversation, token, body = queue.get_nowait()
            variables = {"input": {"conversationId": conversation, "body": body}}
            response = await http.post(
                f"{server.url}/graphql",
                json={"query": SEND, "variables": variables},
                headers={"Authorization": f"Bearer {token}"},
            )
            result = response.json()
            assert result.get("data", {}).get("sendMessage", {}).get("__typename") == (
                "SendMessageSuccess"
            ), result

    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(timeout=60, limits=limits) as http:
        await asyncio.gather(*(worker(http) for _ in range(concurrency)))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def run(args: argparse.Namespace) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(
        resource.RLIMIT_NOFILE, (min(hard, max(soft, 4 * args.parents + 1024)), hard)
    )
    base = urlparse(args.postgres.replace("postgresql://", "postgres://", 1))
    name = f"ouderlink_bench_{os.getpid()}"
    admin = urlunparse(base._replace(scheme="postgresql", path="/postgres"))
    url = urlunparse(base._replace(path=f"/{name}"))
    conn = await asyncpg.connect(admin)
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    servers: list[Server] = []
    parents: list[Parent] = []
    try:
        started = time.time()
        data = await build(url, args.parents)
        print(
            f"dataset: {len(data.parent_tokens)} parents, {len(data.conversations)} "
            f"conversations, built in {time.time() - started:.1f}s"
        )
        run_id = uuid.uuid4().hex[:8]
        env = {
            "OUDERLINK_ENV": "test",
            "DATABASE_URL": f"{url}?maxsize={args.pool}",
            "REDIS_URL": args.redis,
            "BROADCAST_CHANNEL_PREFIX": f"ouderlink-bench-{run_id}:",
            "BROADCAST_CLIENT_NAME": f"ouderlink-bench-{run_id}",
            "NOTIFICATIONS_WORKER": "false",
            "EXPIRY_INTERVAL_SECONDS": "0",
        }
        servers = [Server(env, args.profile), Server(env, args.profile)]
        for server in servers:
            await server.ready()
        async with httpx.AsyncClient() as http:
            response = await http.post(
                f"{servers[0].url}/graphql",
                json={"query": "{ viewer { eventCursor } }"},
                headers={"Authorization": f"Bearer {data.parent_tokens[0]}"},
            )
            after = response.json()["data"]["viewer"]["eventCursor"]
        await asyncio.sleep(1)
        before = [rss_kib(s.process.pid) for s in servers]
        parents = [Parent(token) for token in data.parent_tokens]
        started = time.time()
        semaphore = asyncio.Semaphore(200)

        async def connect(i: int, parent: Parent) -> None:
            async with semaphore:
                await parent.connect(servers[i % 2], after)

        await asyncio.gather(*(connect(i, p) for i, p in enumerate(parents)))
        print(f"connected {len(parents)} parents in {time.time() - started:.1f}s")
        # Warm up: one message per conversation, delivered to both guardians.
        await send_all(servers, data.conversations, 1, args.concurrency)
        await wait_for(parents, len(data.conversations) * GUARDIANS_PER_CHILD, 300)
        await asyncio.sleep(1)
        after_connect = [rss_kib(s.process.pid) for s in servers]
        for parent in parents:
            parent.latencies.clear()
            parent.received = 0
        cpu_before = [cpu_seconds(s.process.pid) for s in servers]
        client_cpu = time.process_time()
        expected = len(data.conversations) * GUARDIANS_PER_CHILD * args.rounds
        started = time.time()
        await send_all(servers, data.conversations, args.rounds, args.concurrency)
        sent_in = time.time() - started
        await wait_for(parents, expected, 600)
        elapsed = time.time() - started
        latencies = [lat for p in parents for lat in p.latencies]
        server_cpu = sum(
            cpu_seconds(s.process.pid) - c for s, c in zip(servers, cpu_before, strict=True)
        )
        per_connection = (sum(after_connect) - sum(before)) / len(parents)
        print(f"messages sent: {len(data.conversations) * args.rounds} in {sent_in:.1f}s")
        print(f"deliveries: {len(latencies)} (expected {expected}) in {elapsed:.1f}s")
        print(f"deliveries per second: {len(latencies) / elapsed:.0f}")
        print(
            f"latency commit->receipt: p50 {percentile(latencies, 50) * 1000:.1f} ms, "
            f"p99 {percentile(latencies, 99) * 1000:.1f} ms, "
            f"max {max(latencies) * 1000:.1f} ms, mean {statistics.mean(latencies) * 1000:.1f} ms"
        )
        print(
            f"server RSS before/after connecting: {sum(before) / 1024:.1f} MiB -> "
            f"{sum(after_connect) / 1024:.1f} MiB = {per_connection:.1f} KiB per connection"
        )
        print(
            f"server CPU during sending: {server_cpu:.1f}s "
            f"({server_cpu / max(len(latencies), 1) * 1e6:.0f} µs per delivery incl. the "
            f"mutations); client CPU {time.process_time() - client_cpu:.1f}s"
        )
    finally:
        for parent in parents:
            await parent.close()
        for server in servers:
            server.stop()
        conn = await asyncpg.connect(admin)
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parents", type=int, default=100, help="100, 1000, 5000, ...")
    parser.add_argument("--rounds", type=int, default=3, help="messages per conversation")
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent senders")
    parser.add_argument("--pool", type=int, default=20, help="database connections per server")
    parser.add_argument("--profile", help="directory for a cProfile of each server process")
    parser.add_argument(
        "--no-compression",
        action="store_true",
        help="clients do not negotiate permessage-deflate (it costs server memory per socket)",
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument(
        "--redis", default=os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/0")
    )
    args = parser.parse_args()
    global COMPRESSION
    COMPRESSION = not args.no_compression
    try:
        import uvloop
    except ImportError:
        asyncio.run(run(args))
    else:
        uvloop.run(run(args))


if __name__ == "__main__":
    main()
