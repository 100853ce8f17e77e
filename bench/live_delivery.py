"""Live delivery benchmark (run by hand, not in CI), in the shape of issue 8: N parents
connected over WebSocket to two server processes that share PostgreSQL and Redis,
conversations of two guardians and three staff.

    .venv/bin/python -m bench.live_delivery --parents 5000

It creates its own database (dropped afterwards), builds the dataset through the project's
models, starts two `uvicorn server:app` processes and connects the parents (half to each
process; each subscribes to `messageAdded` for all their conversations; with `--staff` the
staff too, each hearing their group's conversations) from several client processes
(`bench/live_clients.py`: one Python process cannot drive many thousands of sockets and time
them too). Then:

1. memory: the servers' RSS before and after the idle parents connected, per connection;
2. latency: `--messages` messages sent through `sendMessage` by `--concurrency` staff
   senders; latency from the message's `sentAt` (set inside its transaction, just before
   commit) to its receipt, p50/p99;
3. throughput: `--bursts` bursts of `--burst` messages in every conversation, committed at
   once straight into the database (`bench/live_burst.py`, the rows `sendMessage` writes),
   so that delivery, not the mutation, is measured: deliveries per second per process from
   commit to the last receipt, server CPU per delivery, and the clients' CPU (when a client
   process is near 100% of a core, the figure says more about the clients than the servers);

and prints each target of the issue with met/missed. `--profile DIR` and `--tracemalloc DIR`
instrument the servers (`bench/profiled_server.py`; the profile covers the bursts only, in
CPU time); `--uvicorn=--ws=...` passes options.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import os
import resource
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402
import httpx  # noqa: E402

from bench import live_burst, live_clients  # noqa: E402

CHILDREN_PER_GROUP = 10
STAFF_PER_GROUP = 3
GUARDIANS_PER_CHILD = 2
# The parents' sockets: bench.lean_ws (default), or the websockets library offering
# permessage-deflate as browsers do (--websockets-client; --no-compression: without it).
CLIENT = "lean"
SEND = """mutation($input: SendMessageInput!) {
  sendMessage(input: $input) { __typename } }"""


@dataclass
class Dataset:
    parent_tokens: list[str] = field(default_factory=list)
    staff_tokens: list[str] = field(default_factory=list)  # (connected with --staff)
    # per conversation: (global id, token of one of its staff members)
    conversations: list[tuple[str, str]] = field(default_factory=list)
    # per conversation, for messages written straight into the database (bursts):
    # (conversation id, child id, group id, staff author id)
    rows: list[tuple[int, int, int, int]] = field(default_factory=list)
    organisation_id: int = 0


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
    return sum(cpu_split(pid))


def cpu_split(pid: int) -> tuple[float, float]:
    """User and system (kernel) CPU seconds of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


SERVICES = ("postgres", "redis-server")


def services_cpu() -> dict[int, tuple[str, float]]:
    """CPU seconds so far of this machine's PostgreSQL and Redis processes, by pid (every
    process named so: run the benchmark on a machine of its own)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError):
            name = (entry / "comm").read_text().strip()
            if name in SERVICES:
                found[int(entry.name)] = (name, cpu_seconds(int(entry.name)))
    return found


def services_used(
    before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]]
) -> dict[str, float]:
    """CPU seconds per service between two readings, of the processes alive at the second
    (a backend that came and went in between, as the burst's own, is not counted)."""
    used = dict.fromkeys(SERVICES, 0.0)
    for pid, (name, seconds) in after.items():
        used[name] += seconds - before.get(pid, (name, 0.0))[1]
    return used


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
        data = Dataset(
            parent_tokens=[tokens[p.id] for p in parent_rows],
            staff_tokens=[tokens[s.id] for s in staff_rows],
            organisation_id=org.id,
        )
        conversations = await Conversation.filter(organisation=org).order_by("id")
        for i, conversation in enumerate(conversations):
            group_index = i // CHILDREN_PER_GROUP
            staff = staff_rows[group_index * STAFF_PER_GROUP + i % STAFF_PER_GROUP]
            data.conversations.append(
                (to_global_id("Conversation", conversation.id), tokens[staff.id])
            )
            data.rows.append(
                (conversation.id, conversation.child_id, conversation.group_id, staff.id)  # type: ignore[attr-defined]
            )
        return data
    finally:
        await Tortoise.close_connections()


def uvicorn_options(args: argparse.Namespace) -> list[str]:
    """As `python server.py` runs: our WebSocket protocol (`subscriptions.lean_protocol`) and
    permessage-deflate as WS_PER_MESSAGE_DEFLATE says (off by default), unless --uvicorn
    options set them (`--uvicorn=--ws=websockets-sansio` for uvicorn's own)."""
    options = list(args.uvicorn)
    if not any(o == "--ws" or o.startswith("--ws=") for o in options):
        options.append("--ws=subscriptions.lean_protocol:LeanWebSocketProtocol")
    if not any(o.startswith("--ws-per-message-deflate") for o in options):
        on = os.environ.get("WS_PER_MESSAGE_DEFLATE", "false").lower() in ("1", "true", "yes")
        deflate = "true" if on else "false"
        options.append(f"--ws-per-message-deflate={deflate}")
    return options


class Server:
    def __init__(self, env: dict[str, str], args: argparse.Namespace) -> None:
        self.port = free_port()
        self.log = Path(f"/tmp/ouderlink-bench-{self.port}.log")
        module = "uvicorn"
        if args.profile or args.tracemalloc:
            module = "bench.profiled_server"
        if args.profile:
            Path(args.profile).mkdir(parents=True, exist_ok=True)
            env = {
                **env,
                "BENCH_PROFILE_OUT": f"{args.profile}/server-{self.port}.prof",
                "BENCH_PROFILE_WINDOW": "1",  # only the bursts (`toggle_profile`)
            }
        if args.tracemalloc:
            env = {**env, "BENCH_TRACEMALLOC_OUT": f"{args.tracemalloc}/server-{self.port}"}
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", module, "server:app", "--port", str(self.port)),
                *("--host", "127.0.0.1", "--log-level", "warning", *uvicorn_options(args)),
            ],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
        )

    def toggle_profile(self) -> None:
        """Profile from now on, or no longer (with --profile)."""
        self.process.send_signal(signal.SIGUSR2)

    def snapshot(self) -> None:
        """A tracemalloc snapshot (with --tracemalloc)."""
        self.process.send_signal(signal.SIGUSR1)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def ready(self) -> None:
        async with httpx.AsyncClient() as http:
            for _ in range(1800):
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


def reference_ms() -> float:
    """This VM's speed now: the CPU milliseconds of a fixed pure-Python workload (lower is
    faster; the best of three). A shared VM's speed moves by a third or more within the hour,
    for every process alike: a burst's figures are to be read with it."""
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        total = 0
        for i in range(300_000):
            total += i * i % 7
        best = min(best, time.process_time() - started)
    return best * 1000


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class Clients:
    """The parents, spread over client processes (one Python process cannot drive
    thousands of sockets and measure them at the same time)."""

    def __init__(self, pairs: list[tuple[str, int]], processes: int, after: str) -> None:
        context = multiprocessing.get_context("spawn")
        self.pipes = []
        self.processes = []
        for k in range(processes):
            share = pairs[k::processes]
            mine, theirs = context.Pipe()
            process = context.Process(
                target=live_clients.main,
                args=(theirs, [t for t, _ in share], [p for _, p in share], after, CLIENT),
                daemon=True,
            )
            process.start()
            self.pipes.append(mine)
            self.processes.append(process)

    async def ask(self, *command: str) -> list:
        for pipe in self.pipes:
            pipe.send(command)
        return [await asyncio.to_thread(pipe.recv) for pipe in self.pipes]

    async def connected(self) -> int:
        return sum(n for _, n in [await asyncio.to_thread(p.recv) for p in self.pipes])

    async def wait_for(self, expected: int, seconds: float) -> float:
        """Until the clients received `expected` deliveries; returns when the last arrived
        (time.time(), as the clients took it). Polled every 50 ms: each poll takes this
        machine's CPU from the servers being measured."""
        deadline = time.time() + seconds
        while True:
            answers = await self.ask("count")
            got = sum(n for n, _ in answers)
            if got >= expected:
                return max(last for _, last in answers)
            if time.time() > deadline:
                raise TimeoutError(f"received {got} of {expected} deliveries")
            await asyncio.sleep(0.05)

    async def stats(self) -> tuple[list[float], float]:
        """Latencies and client CPU; raises when a parent received an event twice."""
        answers = await self.ask("stats")
        repeated = sum(r for r, _, _ in answers)
        if repeated:
            raise AssertionError(f"{repeated} events reached a parent more than once")
        return [lat for _, lats, _ in answers for lat in lats], sum(c for _, _, c in answers)

    async def stop(self) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.ask("stop"), 60)
        for process in self.processes:
            process.join(5)
            if process.is_alive():
                process.kill()


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def latency_line(latencies: list[float]) -> str:
    return (
        f"p50 {percentile(latencies, 50) * 1000:.1f} ms, "
        f"p99 {percentile(latencies, 99) * 1000:.1f} ms, "
        f"max {max(latencies) * 1000:.1f} ms, mean {statistics.mean(latencies) * 1000:.1f} ms"
    )


async def refreezes(servers: list[Server]) -> list[int]:
    """How often each server has refrozen its objects so far (its /metrics)."""
    found = []
    async with httpx.AsyncClient() as http:
        for server in servers:
            text = (await http.get(f"{server.url}/metrics")).text
            line = next(x for x in text.splitlines() if x.startswith("ouderlink_gc_refreezes"))
            found.append(int(line.split()[1]))
    return found


async def collections(servers: list[Server]) -> tuple[list[int], list[float]]:
    """The servers' garbage collections so far, per generation: how many, and their CPU
    seconds (their /metrics, services.gc_tuning.Collections), summed over the servers."""
    counts, seconds = [0, 0, 0], [0.0, 0.0, 0.0]
    async with httpx.AsyncClient() as http:
        for server in servers:
            for line in (await http.get(f"{server.url}/metrics")).text.splitlines():
                for name, into in (("gc_collections_total", counts), ("gc_seconds_total", seconds)):
                    if line.startswith(f"ouderlink_{name}{{"):
                        generation = int(line.split('"')[1])
                        into[generation] += type(into[0])(float(line.split()[1]))
    return counts, seconds


async def refrozen(servers: list[Server], seconds: float = 90) -> list[int]:
    """Until every server has refrozen its objects once more (the parents' sockets with them:
    services.gc_tuning), so the measurements see a server's steady state; the counts."""
    start = await refreezes(servers)
    deadline = time.time() + seconds
    while time.time() < deadline:
        now = await refreezes(servers)
        if all(a > b for a, b in zip(now, start, strict=True)):
            return now
        await asyncio.sleep(0.5)
    print("(the servers did not refreeze in time: measuring anyway)")
    return await refreezes(servers)


async def settled_rss(servers: list[Server], seconds: float = 30) -> list[int]:
    """The servers' RSS once it stops moving (subscriptions finished starting)."""
    previous = [rss_kib(s.process.pid) for s in servers]
    deadline = time.time() + seconds
    while time.time() < deadline:
        await asyncio.sleep(1)
        current = [rss_kib(s.process.pid) for s in servers]
        if abs(sum(current) - sum(previous)) < 0.002 * sum(previous):
            return current
        previous = current
    return previous


def server_cpu(servers: list[Server]) -> float:
    return sum(cpu_seconds(s.process.pid) for s in servers)


async def run(args: argparse.Namespace) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(
        resource.RLIMIT_NOFILE, (min(hard, max(soft, 4 * args.parents + 1024)), hard)
    )
    base = urlparse(args.postgres.replace("postgresql://", "postgres://", 1))
    name = f"ouderlink_bench_{os.getpid()}"
    admin = urlunparse(base._replace(scheme="postgresql", path="/postgres"))
    url = urlunparse(base._replace(path=f"/{name}"))
    direct = urlunparse(base._replace(scheme="postgresql", path=f"/{name}"))
    conn = await asyncpg.connect(admin)
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    servers: list[Server] = []
    clients: Clients | None = None
    try:
        started = time.time()
        data = await build(url, args.parents)
        conn = await asyncpg.connect(direct)
        await conn.execute("ANALYZE")  # planner statistics, as a database in use has them
        await conn.close()
        print(
            f"dataset: {len(data.parent_tokens)} parents, {len(data.conversations)} "
            f"conversations (2 guardians and 3 staff each), built in {time.time() - started:.1f}s"
        )
        run_id = uuid.uuid4().hex[:8]
        prefix = f"ouderlink-bench-{run_id}:"
        env = {
            "OUDERLINK_ENV": "test",
            "DATABASE_URL": f"{url}?maxsize={args.pool}",
            "REDIS_URL": args.redis,
            "BROADCAST_CHANNEL_PREFIX": prefix,
            "BROADCAST_CLIENT_NAME": f"ouderlink-bench-{run_id}",
            "NOTIFICATIONS_WORKER": "false",
            "EXPIRY_INTERVAL_SECONDS": "0",
            # Off, as by default (services.gc_tuning); --server-env GC_REFREEZE_SECONDS=45
            # refreezes every 45 s, and the run waits for one after the parents connected.
            "GC_REFREEZE_SECONDS": "0",
            **dict(kv.split("=", 1) for kv in args.server_env),
        }
        servers = [Server(env, args), Server(env, args)]
        for server in servers:
            await server.ready()
        async with httpx.AsyncClient() as http:
            for server in servers:  # warm both (imports, pools) before the baseline
                for _ in range(5):
                    response = await http.post(
                        f"{server.url}/graphql",
                        json={"query": "{ viewer { eventCursor } }"},
                        headers={"Authorization": f"Bearer {data.parent_tokens[0]}"},
                    )
            after = response.json()["data"]["viewer"]["eventCursor"]
        before = await settled_rss(servers, 5)
        if args.tracemalloc:
            for server in servers:
                server.snapshot()
        # Who hears each message: its child's guardians, and with --staff its group's staff.
        receivers = GUARDIANS_PER_CHILD + (STAFF_PER_GROUP if args.staff else 0)
        staff = data.staff_tokens if args.staff else []
        n = len(data.parent_tokens) + len(staff)
        # Lean clients: one process per 2,500 parents (more processes on the same two cores
        # cost more CPU per frame: 5 processes for 5,000 parents used 0.3-0.4 s per burst of
        # 20,000 frames, 2 used 0.2 s); the websockets library's: one per 1,000.
        per_process = 2500 if CLIENT == "lean" else 1000
        processes = args.client_processes or max(1, min(8, n // per_process))
        # Parents are in guardian order (both guardians of a child in a row): alternating puts
        # one guardian of every conversation on each process; --guardians-together both on one
        # (so each process has two receivers per message, who can share its execution).
        spread = 2 * GUARDIANS_PER_CHILD if args.guardians_together else 2
        per = spread // 2
        pairs = [(t, servers[(i % spread) // per].port) for i, t in enumerate(data.parent_tokens)]
        pairs += [(t, servers[i % 2].port) for i, t in enumerate(staff)]  # (alternating)
        started = time.time()
        clients = Clients(pairs, processes, after)
        assert await clients.connected() == n
        print(
            f"connected {len(data.parent_tokens)} parents and {len(staff)} staff over "
            f"{processes} client processes in {time.time() - started:.1f}s"
        )
        idle = await settled_rss(servers)
        per_idle = (sum(idle) - sum(before)) / n
        print(
            f"server RSS before/after connecting idle parents: {sum(before) / 1024:.1f} MiB -> "
            f"{sum(idle) / 1024:.1f} MiB = {per_idle:.1f} KiB per idle connection "
            f"({per_idle * 1.024:.1f} KB)"
        )
        if args.tracemalloc:
            for server in servers:
                server.snapshot()
            await asyncio.sleep(5)
        if args.idle_only:
            return
        frozen_at = None
        if env["GC_REFREEZE_SECONDS"] != "0":  # (--server-env GC_REFREEZE_SECONDS=0: off)
            frozen_at = await refrozen(servers)
        burst_args = (direct, args.redis, prefix, data.organisation_id, data.rows)
        # Warm up: one message per conversation, delivered to each of its receivers.
        sent, _ = await live_burst.burst(*burst_args, 1)
        await clients.wait_for(sent * receivers, 300)
        await clients.ask("reset")
        # Statistics with events in the tables, as a database in use has them (autovacuum
        # would take up to a minute): plans cached while the event tables were empty scan
        # them whole (the feed's statement took 0.2-0.8 s a batch), and ANALYZE has them made
        # again.
        analyze = await asyncpg.connect(direct)
        try:
            await analyze.execute("ANALYZE")
        finally:
            await analyze.close()

        # 1. Latency: staff send through the API (sendMessage on both processes).
        messages = min(args.messages, len(data.conversations))
        cpu = server_cpu(servers)
        started = time.time()
        await send_all(servers, data.conversations[:messages], 1, args.concurrency)
        sent_in = time.time() - started
        await clients.wait_for(messages * receivers, 300)
        latencies, _ = await clients.stats()
        api_cpu = server_cpu(servers) - cpu
        print(
            f"\n[api] {messages} messages through sendMessage by {args.concurrency} senders in "
            f"{sent_in:.1f}s ({messages / sent_in:.0f}/s), {len(latencies)} deliveries; "
            f"server CPU {api_cpu / messages * 1000:.1f} ms per message incl. its deliveries"
        )
        print(f"[api] latency commit->receipt: {latency_line(latencies)}")
        api_p99 = percentile(latencies, 99)

        # 2. Throughput: bursts committed straight into the database.
        best = 0.0
        burst_latencies: list[float] = []
        for round_ in range(args.bursts):
            await clients.ask("reset")
            reference = reference_ms()
            cpu = server_cpu(servers)
            kernel = sum(cpu_split(s.process.pid)[1] for s in servers)
            services = services_cpu()
            client_cpu = sum(c for _, _, c in await clients.ask("stats"))
            gc_before = await collections(servers)
            if args.profile:
                for server in servers:
                    server.toggle_profile()
            started = time.time()
            at_commit: dict[str, Any] = {}

            def on_commit(at_commit: dict[str, Any] = at_commit) -> None:
                at_commit.update(services=services_cpu(), bench=time.process_time())

            sent, committed = await live_burst.burst(*burst_args, args.burst, on_commit)
            done = await clients.wait_for(sent * receivers, 600)
            bench_cpu = time.process_time() - at_commit["bench"]
            if args.profile:
                for server in servers:
                    server.toggle_profile()
            latencies, client_after = await clients.stats()  # (no event reached anyone twice)
            if len(latencies) != sent * receivers:
                raise AssertionError(f"{len(latencies)} deliveries of {sent} messages")
            gc_after = await collections(servers)
            used = server_cpu(servers) - cpu
            kernel = sum(cpu_split(s.process.pid)[1] for s in servers) - kernel
            after = services_cpu()
            window = services_used(at_commit["services"], after)
            services = services_used(services, after)
            elapsed = done - committed
            rate = len(latencies) / elapsed / len(servers)
            best = max(best, rate)
            burst_latencies += latencies
            print(
                f"\n[burst {round_ + 1}] {sent} messages committed in {committed - started:.1f}s, "
                f"{len(latencies)} deliveries in {elapsed:.2f}s after commit: "
                f"{rate:.0f} per second per process"
            )
            print(f"[burst {round_ + 1}] latency commit->receipt: {latency_line(latencies)}")
            print(
                f"[burst {round_ + 1}] this VM's speed before the burst: {reference:.1f} ms of "
                "CPU for the reference workload (lower is faster)"
            )
            print(
                f"[burst {round_ + 1}] server CPU {used:.1f}s = "
                f"{used / len(latencies) * 1e6:.0f} µs per delivery "
                f"({kernel / len(latencies) * 1e6:.0f} µs of it in the kernel); client CPU "
                f"{client_after - client_cpu:.2f}s over {processes} processes "
                f"({(client_after - client_cpu) / elapsed / processes * 100:.0f}% of a core each)"
            )
            runs = [a - b for a, b in zip(gc_after[0], gc_before[0], strict=True)]
            gc_seconds = [a - b for a, b in zip(gc_after[1], gc_before[1], strict=True)]
            print(
                f"[burst {round_ + 1}] garbage collections (young, middle, full): "
                f"{runs[0]}, {runs[1]}, {runs[2]}, taking {gc_seconds[0]:.3f}, "
                f"{gc_seconds[1]:.3f}, {gc_seconds[2]:.3f}s of the servers' CPU"
            )
            print(
                f"[burst {round_ + 1}] PostgreSQL CPU {services['postgres']:.2f}s "
                f"({window['postgres']:.2f}s after commit), Redis CPU "
                f"{services['redis-server']:.2f}s ({window['redis-server']:.2f}s after commit); "
                f"this benchmark's own after commit (wake-ups, polling the clients) "
                f"{bench_cpu:.2f}s"
            )
            in_window = used + (client_after - client_cpu) + sum(window.values()) + bench_cpu
            print(
                f"[burst {round_ + 1}] capacity of a server process at its CPU per delivery: "
                f"{len(latencies) / used:.0f} per second (a core of its own); the machine's CPU "
                f"after commit: {in_window:.2f}s of {elapsed * os.cpu_count():.2f}s "
                f"= {in_window / len(latencies) * 1e6:.0f} µs per delivery"
            )
        loaded = [rss_kib(s.process.pid) for s in servers]
        print(f"\nserver RSS after the bursts: {sum(loaded) / 1024:.1f} MiB")
        if frozen_at is not None and await refreezes(servers) != frozen_at:
            print("(a server refroze its objects while measuring: a full collection in there)")
        print("\ntargets (issue 8):")
        print(
            f"  p99 commit->receipt <= 50 ms (api):     {api_p99 * 1000:8.1f} ms  "
            f"{verdict(api_p99 <= 0.05)}"
        )
        print(f"  >= 20,000 deliveries/s per process:     {best:8.0f}     {verdict(best >= 20000)}")
        print(
            f"  <= 30 KB server memory per idle socket: {per_idle * 1.024:8.1f} KB  "
            f"{verdict(per_idle * 1.024 <= 30)}"
        )
    finally:
        if clients is not None:
            await clients.stop()
        for server in servers:
            server.stop()
        if args.keep:
            print(f"(database {name} kept)")
        else:
            conn = await asyncpg.connect(admin)
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parents", type=int, default=100, help="100, 1000, 5000, ...")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--messages", type=int, default=500, help="messages sent through the API (latency)"
    )
    parser.add_argument("--concurrency", type=int, default=4, help="concurrent API senders")
    parser.add_argument("--burst", type=int, default=4, help="messages per conversation per burst")
    parser.add_argument("--bursts", type=int, default=2, help="bursts (throughput)")
    parser.add_argument(
        "--client-processes",
        type=int,
        default=0,
        help="default: one per 2,500 parents (websockets client: 1,000; max 8)",
    )
    parser.add_argument(
        "--server-env", action="append", default=[], help="NAME=value for the servers"
    )
    parser.add_argument("--pool", type=int, default=20, help="database connections per server")
    parser.add_argument(
        "--guardians-together",
        action="store_true",
        help="both guardians of a child on the same server (default: one on each)",
    )
    parser.add_argument(
        "--staff",
        action="store_true",
        help="connect the staff too (each hears every conversation of their group)",
    )
    parser.add_argument("--profile", help="directory for a cProfile of each server process")
    parser.add_argument(
        "--tracemalloc", help="directory for tracemalloc snapshots before/after connecting"
    )
    parser.add_argument(
        "--idle-only", action="store_true", help="stop after measuring idle connections"
    )
    parser.add_argument(
        "--uvicorn",
        action="append",
        default=[],
        help="an argument for uvicorn, e.g. --uvicorn=--ws=wsproto",
    )
    parser.add_argument(
        "--websockets-client",
        action="store_true",
        help="parents on the websockets library (~40 µs of CPU per frame) instead of bench.lean_ws",
    )
    parser.add_argument(
        "--no-compression",
        action="store_true",
        help="with --websockets-client: no permessage-deflate offered (it costs server memory)",
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument(
        "--redis", default=os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/0")
    )
    args = parser.parse_args()
    global CLIENT
    if args.websockets_client:
        CLIENT = "websockets" if args.no_compression else "websockets+deflate"
    try:
        import uvloop
    except ImportError:
        asyncio.run(run(args))
    else:
        uvloop.run(run(args))


if __name__ == "__main__":
    main()
