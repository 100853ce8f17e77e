"""Home-query benchmark (run by hand, not in CI): Ouderlink's parent home query
(tests/home_query.graphql) against a hand-written asyncpg floor and PostGraphile 4.

    .venv/bin/python -m bench.home_query

It creates the database `ouderlink_bench_home` (dropped afterwards unless --keep), builds the
dataset of bench/home_dataset.py through the project's models, logs in a sample of parents
(real sessions, through the `login` mutation) and then:

1. checks: Ouderlink and the floor (bench/home_floor.py) answer every sampled parent with
   the same bytes; PostGraphile (bench/postgraphile/) with the same data (bench/home_compare.py);
2. counts SQL round trips per request: each server talks to PostgreSQL through a counting
   proxy for this phase only (so the proxy never sits in the timed path);
3. measures, in alternating rounds (every round runs every target at concurrency 1 and 32,
   the order of the targets rotating), with servers connected straight to PostgreSQL:
   req/s, p50/p99 latency, server CPU ms per request (utime+stime of the server process) and
   PostgreSQL CPU ms per request (of the backends serving that server's connections).

PostGraphile is installed with npm into ~/.cache/ouderlink-bench (once); without npm its
column is skipped with a message. The load generator is this process (keep-alive HTTP/1.1
connections on asyncio); its own CPU use is printed, as it shares the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import signal
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402

from bench import home_compare, home_dataset, home_targets  # noqa: E402
from bench.home_report import Stats, report  # noqa: E402
from bench.home_targets import CountingProxy, Server, cpu_seconds, postgres_client_ports  # noqa: E402

HOME = (ROOT / "tests" / "home_query.graphql").read_text()
DB_NAME = "ouderlink_bench_home"
LOGIN = """mutation($input: LoginInput!) {
  login(input: $input) { __typename ... on LoginSuccess { token } } }"""
# "ouderlink" runs with its result cache (the default), "ouderlink-uncached" with
# RESULT_CACHE=false: every answer computed (README "Performance").
TARGETS = ("ouderlink", "ouderlink-uncached", "floor", "postgraphile")


def without_extensions(body: bytes) -> bytes:
    """Ouderlink's answer without `extensions` (the query cost and the caller's remaining
    budget: GraphQL-layer bookkeeping the floor does not do)."""
    cut = body.rfind(b',"extensions":')
    return body if cut < 0 else body[:cut] + b"}"


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        base = urlparse(args.postgres.replace("postgresql://", "postgres://", 1))
        self.admin = urlunparse(base._replace(scheme="postgresql", path="/postgres"))
        self.url = urlunparse(base._replace(path=f"/{DB_NAME}"))
        self.pg_host, self.pg_port = base.hostname or "127.0.0.1", base.port or 5432
        self.servers: list[Server] = []
        self.proxies: list[CountingProxy] = []
        self.secret = secrets.token_urlsafe(32)
        self.vapid = secrets.token_urlsafe(32)
        self.bodies = {
            "ouderlink": json.dumps({"query": HOME}).encode(),
            "ouderlink-uncached": json.dumps({"query": HOME}).encode(),
            "floor": json.dumps({"query": HOME}).encode(),
            "postgraphile": json.dumps({"query": home_compare.POSTGRAPHILE_QUERY}).encode(),
        }
        self.targets = list(TARGETS)

    def dsn(self, port: int | None) -> str:
        netloc = f"postgres@{self.pg_host}:{port or self.pg_port}"
        base = urlparse(self.url)
        if base.password or base.username:
            netloc = base.netloc.rsplit("@", 1)[0] + f"@{self.pg_host}:{port or self.pg_port}"
        return urlunparse(base._replace(netloc=netloc))

    def start(self, through_proxy: dict[str, int] | None) -> dict[str, Server]:
        pool = self.args.pool
        run_id = secrets.token_hex(4)

        def port(name: str) -> int | None:
            return through_proxy[name] if through_proxy else None

        common = {"SECRET_KEY": self.secret, "PUBLIC_URL": "http://127.0.0.1:8000"}

        def ouderlink(name: str, **extra: str) -> Server:
            profile = self.args.profile and not through_proxy
            if profile:
                Path(self.args.profile).mkdir(parents=True, exist_ok=True)
                extra["BENCH_PROFILE_OUT"] = str(Path(self.args.profile).resolve() / f"{name}.prof")
            return home_targets.uvicorn(
                name,
                "server:app",
                cwd=Path(self.args.ouderlink_root).resolve(),
                module="bench.profiled_server" if profile else "uvicorn",
                env={
                    **common,
                    "OUDERLINK_ENV": "production",
                    "VAPID_PRIVATE_KEY": self.vapid,
                    "DATABASE_URL": f"{self.dsn(port(name))}?maxsize={pool}",
                    "REDIS_URL": self.args.redis,
                    "BROADCAST_CHANNEL_PREFIX": f"ouderlink-bench-home-{run_id}-{name}:",
                    "BROADCAST_CLIENT_NAME": f"ouderlink-bench-home-{run_id}-{name}",
                    "NOTIFICATIONS_WORKER": "false",
                    "EXPIRY_INTERVAL_SECONDS": "0",
                    # The bench asks far more often than a person: the per-user query budget
                    # is made unlimited (it is still taken, through Redis, on every request).
                    "RATE_BUDGET_CAPACITY": "1000000000",
                    "RATE_BUDGET_RESTORE_RATE": "1000000000",
                    **extra,
                },
            )

        servers = {
            "ouderlink": ouderlink("ouderlink"),
            "ouderlink-uncached": ouderlink("ouderlink-uncached", RESULT_CACHE="false"),
            "floor": home_targets.uvicorn(
                "floor",
                "bench.home_floor:app",
                {**common, "BENCH_FLOOR_DSN": self.dsn(port("floor")), "BENCH_POOL": str(pool)},
            ),
        }
        if "postgraphile" in self.targets:
            servers["postgraphile"] = home_targets.postgraphile(
                self.dsn(port("postgraphile")), pool
            )
        self.servers += servers.values()
        return servers

    def stop(self, servers: dict[str, Server]) -> None:
        for server in servers.values():
            server.stop()

    async def create_database(self) -> None:
        conn = await asyncpg.connect(self.admin)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{DB_NAME}"')
        finally:
            await conn.close()

    async def drop_database(self) -> None:
        conn = await asyncpg.connect(self.admin)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        finally:
            await conn.close()

    async def login(self, server: Server, emails: list[str]) -> list[str]:
        tokens = []
        conn = home_targets.HttpConnection(server.port)
        try:
            for email in emails:
                variables = {
                    "input": {
                        "organisation": "bench",
                        "email": email,
                        "password": home_dataset.PASSWORD,
                    }
                }
                body = json.dumps({"query": LOGIN, "variables": variables}).encode()
                status, data = await conn.post("/graphql", body, "")
                result = json.loads(data)
                assert status == 200 and result["data"]["login"]["token"], result
                tokens.append(result["data"]["login"]["token"])
        finally:
            conn.close()
        return tokens

    async def fetch(self, server: Server, token: str) -> bytes:
        conn = home_targets.HttpConnection(server.port)
        try:
            status, data = await conn.post("/graphql", self.bodies[server.name], token)
        finally:
            conn.close()
        if status != 200:
            raise home_compare.Mismatch(f"{server.name}: HTTP {status}: {data[:500]!r}")
        return data

    async def check(self, servers: dict[str, Server], tokens: list[str]) -> None:
        """Same bytes from Ouderlink and the floor, same data from PostGraphile."""
        for token in tokens:
            for attempt in range(5):
                await asyncio.sleep(1.02 - time.time() % 1)  # both in the same second
                ours, floor = await asyncio.gather(
                    self.fetch(servers["ouderlink-uncached"], token),
                    self.fetch(servers["floor"], token),
                )
                if without_extensions(ours) == floor:
                    break
                if attempt == 4:
                    home_compare.same(
                        "floor",
                        home_compare.ours(json.loads(ours)),
                        home_compare.ours(json.loads(floor)),
                    )
                    raise home_compare.Mismatch(
                        "Ouderlink and the floor differ in bytes "
                        + home_compare.first_difference(without_extensions(ours), floor)
                    )
            canonical = home_compare.ours(json.loads(ours))
            if not canonical["children"] or not canonical["children"][0]["items"]:
                raise home_compare.Mismatch(f"no data for a sampled parent: {canonical}")
            # The cached server's answers carry addresses signed when they were computed:
            # compared in canonical form (each address as the file, variant and disposition
            # it signs), twice, so the second comes from its cache.
            for _ in range(2):
                cached = await self.fetch(servers["ouderlink"], token)
                home_compare.same("ouderlink", canonical, home_compare.ours(json.loads(cached)))
            if "postgraphile" in servers:
                theirs = home_compare.postgraphile(
                    json.loads(await self.fetch(servers["postgraphile"], token))
                )
                home_compare.same("postgraphile", canonical, theirs)
        print(
            f"check: {len(tokens)} parents: Ouderlink uncached = floor byte for byte "
            "(without extensions.cost), cached (twice) = uncached in data"
            + (", = PostGraphile in data" if "postgraphile" in servers else "")
        )

    async def count_round_trips(self) -> dict[tuple[str, int], float]:
        """Log the sample in, check the answers, count round trips (through the proxies)."""
        self.proxies = []
        ports = {}
        for name in self.targets:
            proxy = CountingProxy((self.pg_host, self.pg_port))
            await proxy.start()
            self.proxies.append(proxy)
            ports[name] = proxy.port
        counters = dict(zip(self.targets, self.proxies, strict=True))
        servers = self.start(ports)
        try:
            for server in servers.values():
                await server.ready()
            self.tokens = tokens = await self.login(servers["ouderlink"], self.sample)
            await self.check(servers, tokens)
            found = {}
            for name, server in servers.items():
                for concurrency in self.args.concurrency:
                    requests = max(20, 2 * concurrency)
                    # warm the pools: every connection has prepared its statements
                    await self.run_load(server, tokens, max(32, 4 * concurrency), concurrency)
                    before = counters[name].counter.round_trips
                    await self.run_load(server, tokens, requests, concurrency)
                    after = counters[name].counter.round_trips
                    found[(name, concurrency)] = (after - before) / requests
            return found
        finally:
            self.stop(servers)
            for proxy in self.proxies:
                await proxy.close()

    async def run_load(self, server: Server, tokens: list[str], requests: int, concurrency: int):
        expect = b'{"data":{"viewer":{'
        return await home_targets.load(
            server.port,
            self.bodies[server.name],
            tokens,
            requests,
            concurrency,
            lambda data: data.startswith(expect) and b'"errors"' not in data[-400:],
        )

    async def backend_cpu(self, admin: asyncpg.Connection, server: Server) -> dict[int, float]:
        ports = postgres_client_ports(server.pid, self.pg_port)
        rows = await admin.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND client_port = ANY($2::int[])",
            DB_NAME,
            list(ports),
        )
        return {r["pid"]: cpu_seconds(r["pid"]) for r in rows}

    async def churn(self) -> None:
        """An event in the benched organisation every --event-every seconds (as a photo post
        or a message would record): each one makes every cached answer of it stale."""
        conn = await asyncpg.connect(self.url)
        try:
            while True:
                await asyncio.sleep(self.args.event_every)
                await conn.execute(
                    "INSERT INTO event (organisation_id, type, topic, payload, created_at) "
                    "SELECT id, 'bench.tick', 'organisation:' || id, '{}', now() "
                    "FROM organisation WHERE slug = 'bench'"
                )
        finally:
            await conn.close()

    async def start_writes(self) -> asyncio.subprocess.Process | None:
        """--writes-per-second: bench/home_writes.py in its own process, writing diary entries
        and messages about children of parents outside the sample (real events)."""
        if self.args.writes_per_second <= 0:
            return None
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.home_writes",
            "--url",
            self.url,
            "--per-second",
            str(self.args.writes_per_second),
            "--skip",
            *self.sample,
            cwd=ROOT,
            stdout=asyncio.subprocess.PIPE,
        )

    async def stop_writes(self, writes: asyncio.subprocess.Process | None) -> None:
        if writes is None:
            return
        if writes.returncode is None:
            writes.send_signal(signal.SIGTERM)
        out, _ = await writes.communicate()
        lines = out.decode().strip().splitlines()
        done = json.loads(lines[-1]) if lines else {}
        self.writes = done
        rate = done.get("committed", 0) / done["seconds"] if done.get("seconds") else 0.0
        print(
            f"background writes: {done.get('committed', 0)} committed ({rate:.1f}/s: "
            f"{done.get('diary_entries', 0)} diary entries, {done.get('messages', 0)} messages "
            "about children of parents outside the sample), "
            f"{done.get('refused', 0)} refused, {done.get('failed', 0)} failed",
            flush=True,
        )

    async def measure(self, tokens: list[str]) -> dict[tuple[str, int], Stats]:
        servers = self.start(None)
        stats = {(n, c): Stats() for n in servers for c in self.args.concurrency}
        admin = await asyncpg.connect(self.url)
        churn = asyncio.create_task(self.churn()) if self.args.event_every > 0 else None
        writes = None
        try:
            for server in servers.values():
                await server.ready()
                await self.run_load(server, tokens, 64, max(self.args.concurrency))
            writes = await self.start_writes()
            for r in range(self.args.rounds):
                order = (
                    self.targets[r % len(self.targets) :] + self.targets[: r % len(self.targets)]
                )
                for concurrency in self.args.concurrency:
                    for name in order:
                        server, s = servers[name], stats[(name, concurrency)]
                        cpu, pg = cpu_seconds(server.pid), await self.backend_cpu(admin, server)
                        run = await self.run_load(server, tokens, self.args.requests, concurrency)
                        s.server_cpu += cpu_seconds(server.pid) - cpu
                        after = await self.backend_cpu(admin, server)
                        s.postgres_cpu += sum(v - pg.get(p, 0.0) for p, v in after.items())
                        s.latencies += run.latencies
                        s.elapsed += run.elapsed
                        s.client_cpu += run.client_cpu
                        s.cache_hits += run.cache_hits
                        s.requests += len(run.latencies)
                print(f"round {r + 1}/{self.args.rounds} done", flush=True)
            return stats
        finally:
            if churn is not None:
                churn.cancel()
                await asyncio.gather(churn, return_exceptions=True)
            await self.stop_writes(writes)
            await admin.close()
            self.stop(servers)

    async def run(self) -> None:
        if home_targets.install_postgraphile() is None:
            print(
                "npm (or node) is missing: PostGraphile is skipped. Install Node.js 18+ "
                "with npm to compare against it.",
                file=sys.stderr,
            )
            self.targets.remove("postgraphile")
        await self.create_database()
        started = time.time()
        data = await home_dataset.build(self.url, self.args.parents)
        self.sample = data.sample_emails
        conn = await asyncpg.connect(self.url)
        try:
            await conn.execute((ROOT / "bench" / "postgraphile" / "functions.sql").read_text())
            await conn.execute("ANALYZE")
        finally:
            await conn.close()
        print(
            f"dataset: {data.children} children, {data.parents} parents, {data.items} "
            f"timeline items, {data.media} files, built in {time.time() - started:.0f}s; "
            f"{len(self.sample)} parents benched"
        )
        trips = await self.count_round_trips()
        stats = await self.measure(self.tokens)
        for key, s in stats.items():
            s.round_trips = trips.get(key)
        report(stats, self.args.concurrency)

    async def cleanup(self) -> None:
        for server in self.servers:
            server.stop()
        for proxy in self.proxies:
            await proxy.close()
        if not self.args.keep:
            await self.drop_database()


async def main_async(args: argparse.Namespace) -> None:
    bench = Bench(args)
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, task.cancel)  # type: ignore[union-attr]
    try:
        await bench.run()
    finally:
        await asyncio.shield(bench.cleanup())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=200, help="per target, round, concurrency")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 32])
    parser.add_argument("--parents", type=int, default=20, help="parents benched (a sample)")
    parser.add_argument("--pool", type=int, default=10, help="database connections per server")
    parser.add_argument(
        "--ouderlink-root",
        default=str(ROOT),
        help="run Ouderlink from this checkout (e.g. `git archive <commit>` unpacked somewhere)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--profile",
        help="directory for a cProfile (CPU time) of each Ouderlink server while measuring",
    )
    parser.add_argument(
        "--event-every",
        type=float,
        default=0,
        help="record an event in the organisation every this many seconds while measuring "
        "(each one makes the result cache's answers of the organisation stale; 0: none)",
    )
    parser.add_argument(
        "--writes-per-second",
        type=float,
        default=0,
        help="while measuring, staff write this many diary entries and messages a second "
        "about children of parents outside the sample, through the project's services "
        "(bench/home_writes.py: real events, as at the 8:00 peak; 0: none)",
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument(
        "--redis", default=os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/0")
    )
    args = parser.parse_args()
    try:
        import uvloop
    except ImportError:
        asyncio.run(main_async(args))
    else:
        uvloop.run(main_async(args))


if __name__ == "__main__":
    main()
