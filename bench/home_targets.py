"""The moving parts of the home-query benchmark: server processes, a counting proxy between a
server and PostgreSQL, a small keep-alive HTTP load generator, CPU readings from /proc."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import struct
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NPM_CACHE = Path(os.environ.get("BENCH_CACHE", Path.home() / ".cache" / "ouderlink-bench"))
POSTGRAPHILE_DIR = NPM_CACHE / "postgraphile4"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """utime + stime of one process (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_client_ports(pid: int, pg_port: int = 5432) -> set[int]:
    """The local ports of a process's TCP connections to PostgreSQL (from /proc/net/tcp)."""
    inodes = set()
    with contextlib.suppress(FileNotFoundError, PermissionError):
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with contextlib.suppress(OSError):
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
    ports = set()
    for table in ("tcp", "tcp6"):
        with contextlib.suppress(FileNotFoundError):
            for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
                parts = line.split()
                local, remote, inode = parts[1], parts[2], parts[9]
                if inode in inodes and int(remote.rsplit(":", 1)[1], 16) == pg_port:
                    ports.add(int(local.rsplit(":", 1)[1], 16))
    return ports


class Server:
    """One server process (uvicorn or node), its log in /tmp, stopped on exit."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], cwd: Path = ROOT):
        self.name = name
        self.port = free_port()
        self.log = Path(f"/tmp/ouderlink-bench-home-{name}-{self.port}.log")
        argv = [a.replace("{port}", str(self.port)) for a in argv]
        self.process = subprocess.Popen(
            argv,
            cwd=cwd,
            env={**os.environ, **env, "PORT": str(self.port)},
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    async def ready(self, seconds: float = 120) -> None:
        deadline = time.time() + seconds
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.log.read_text()[-3000:]}")
            with contextlib.suppress(OSError):
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.close()
                if self.name != "postgraphile" or "listening" in self.log.read_text():
                    return
            await asyncio.sleep(0.2)
        raise RuntimeError(f"{self.name} did not get ready in {seconds}s: {self.log}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def uvicorn(
    name: str, app: str, env: dict[str, str], cwd: Path = ROOT, module: str = "uvicorn"
) -> Server:
    """`uvicorn app` (`module`: bench.profiled_server to run it under cProfile)."""
    argv = [sys.executable, "-m", module, app, "--host", "127.0.0.1", "--port", "{port}"]
    return Server(name, [*argv, "--log-level", "warning", "--no-access-log"], env, cwd)


def install_postgraphile() -> Path | None:
    """`npm install postgraphile@4` into the cache (once); None when npm is missing."""
    if (POSTGRAPHILE_DIR / "node_modules" / "postgraphile").exists():
        return POSTGRAPHILE_DIR
    if not shutil.which("npm") or not shutil.which("node"):
        return None
    POSTGRAPHILE_DIR.mkdir(parents=True, exist_ok=True)
    (POSTGRAPHILE_DIR / "package.json").write_text('{"private": true}\n')
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "postgraphile@4"],
        cwd=POSTGRAPHILE_DIR,
        check=True,
        timeout=600,
    )
    return POSTGRAPHILE_DIR


def postgraphile(dsn: str, pool: int) -> Server:
    env = {
        "DATABASE_URL": dsn,
        "BENCH_POOL": str(pool),
        "NODE_PATH": str(POSTGRAPHILE_DIR / "node_modules"),
        "NODE_ENV": "production",
    }
    script = ROOT / "bench" / "postgraphile" / "server.js"
    return Server("postgraphile", [shutil.which("node") or "node", str(script)], env)


# --- counting proxy ---------------------------------------------------------------------


@dataclass
class Counter:
    round_trips: int = 0


class CountingProxy:
    """Forwards TCP to PostgreSQL and counts round trips: a client Sync or Query message
    sent after the server last answered starts a new one (a pipelined batch counts once)."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.counter = Counter()
        self.port = 0
        self.server: asyncio.Server | None = None
        self.tasks: set[asyncio.Task] = set()

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        if self.server:
            self.server.close()
        for task in list(self.tasks):
            task.cancel()

    async def _serve(self, client_r, client_w) -> None:
        task = asyncio.current_task()
        self.tasks.add(task)  # type: ignore[arg-type]
        try:
            server_r, server_w = await asyncio.open_connection(*self.upstream)
        except OSError:
            client_w.close()
            return
        state = {"waiting": False}
        try:
            await asyncio.gather(
                self._client_to_server(client_r, server_w, state),
                self._server_to_client(server_r, client_w, state),
            )
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            for w in (client_w, server_w):
                w.close()
            self.tasks.discard(task)  # type: ignore[arg-type]

    async def _client_to_server(self, reader, writer, state) -> None:
        buffer = b""
        started = False
        while True:
            chunk = await reader.read(65536)
            if not chunk:
                writer.close()
                return
            writer.write(chunk)
            buffer += chunk
            while True:
                if not started:
                    if len(buffer) < 8:
                        break
                    length, code = struct.unpack("!ii", buffer[:8])
                    if len(buffer) < length:
                        break
                    buffer = buffer[length:]
                    started = code == 196608  # protocol 3.0 startup; SSL/GSS requests are not
                    continue
                if len(buffer) < 5:
                    break
                kind, length = buffer[:1], struct.unpack("!i", buffer[1:5])[0]
                if len(buffer) < 1 + length:
                    break
                buffer = buffer[1 + length :]
                if kind in (b"S", b"Q") and not state["waiting"]:
                    self.counter.round_trips += 1
                    state["waiting"] = True
            await writer.drain()

    async def _server_to_client(self, reader, writer, state) -> None:
        while True:
            chunk = await reader.read(65536)
            if not chunk:
                writer.close()
                return
            state["waiting"] = False
            writer.write(chunk)
            await writer.drain()


# --- load generator ---------------------------------------------------------------------


class HttpConnection:
    """One keep-alive HTTP/1.1 connection (far cheaper per request than a full client)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        # Ouderlink's X-Result-Cache header of the last answer ("hit", "miss" or None).
        self.cache_outcome: str | None = None

    async def post(
        self, path: str, body: bytes, token: str, seconds: float = 60
    ) -> tuple[int, bytes]:
        return await asyncio.wait_for(self._post(path, body, token), seconds)

    async def _post(self, path: str, body: bytes, token: str) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
            f"Content-Type: application/json\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        self.writer.write(head.encode() + body)
        reader = self.reader
        assert reader is not None
        status = int((await reader.readline()).split()[1])
        length, chunked, close = -1, False, False
        self.cache_outcome = None
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value:
                chunked = True
            elif name == "connection" and value == "close":
                close = True
            elif name == "x-result-cache":
                self.cache_outcome = value
        if chunked:
            parts = []
            while True:
                size = int((await reader.readline()).split(b";")[0], 16)
                if size == 0:
                    await reader.readline()
                    break
                parts.append(await reader.readexactly(size))
                await reader.readline()
            data = b"".join(parts)
        else:
            data = await reader.readexactly(length)
        if close:
            self.close()
        return status, data

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    elapsed: float = 0.0
    client_cpu: float = 0.0
    cache_hits: int = 0


async def load(
    port: int, body: bytes, tokens: list[str], requests: int, concurrency: int, check
) -> Run:
    """`requests` POSTs with `concurrency` connections, tokens in turn; `check(bytes)`."""
    run = Run()
    next_index = iter(range(requests))
    connections = [HttpConnection(port) for _ in range(concurrency)]

    async def worker(conn: HttpConnection) -> None:
        for i in next_index:
            started = time.perf_counter()
            status, data = await conn.post("/graphql", body, tokens[i % len(tokens)])
            run.latencies.append(time.perf_counter() - started)
            run.cache_hits += conn.cache_outcome == "hit"
            if status != 200 or not check(data):
                raise RuntimeError(f"bad response {status}: {data[:300]!r}")

    cpu, started = time.process_time(), time.perf_counter()
    try:
        await asyncio.gather(*(worker(c) for c in connections))
    finally:
        run.elapsed = time.perf_counter() - started
        run.client_cpu = time.process_time() - cpu
        for c in connections:
            c.close()
    return run
