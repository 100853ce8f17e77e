"""Real server processes and a real WebSocket client, for the live tests.

`live_servers` starts uvicorn processes (`python -m uvicorn server:app --ws …`, the
WebSocket protocol production runs: `subscriptions.lean_protocol`) against the test
database (and REDIS_URL when set) once per run; `start_server` starts extra ones with their
own settings for a single test. `GraphQLSocket` speaks graphql-transport-ws or the legacy
graphql-ws over a real socket.

Test servers do not poll (LIVE_POLL_SECONDS is an hour) unless a test asks for it, so a
message that arrives proves the broadcast delivered it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import socket
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest_asyncio
import websockets
from websockets.asyncio.client import ClientConnection

from subscriptions import lean_protocol
from tests.conftest import IS_POSTGRES, REDIS_URL

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 20
TWO_PROCESSES = IS_POSTGRES and bool(REDIS_URL)
WHY_ONE_PROCESS = (
    "two server processes share live events only through Redis (PostgreSQL + Redis shape); "
    "the embedded shape's in-process broadcast cannot reach another process"
)

BASE_ENV = {
    "OUDERLINK_ENV": "test",
    "LIVE_POLL_SECONDS": "3600",
    "RELAY_INTERVAL_SECONDS": "0.5",
    "RELAY_GRACE_SECONDS": "0.5",
    "WS_KEEPALIVE_SECONDS": "0.5",
    # Long enough that a loaded machine (50 requests in flight) still authenticates in time.
    "WS_INIT_TIMEOUT_SECONDS": "3",
    "WS_MAX_SUBSCRIPTIONS": "20",
    "ALLOWED_ORIGINS": "http://localhost:3000",
    # The agenda's expiry task would lapse other tests' pending days (their clocks differ).
    "EXPIRY_INTERVAL_SECONDS": "0",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """One uvicorn process."""

    port: int
    process: subprocess.Popen
    log: Path
    env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/graphql"

    @property
    def pid(self) -> int:
        return self.process.pid

    async def gql(self, query: str, variables: dict | None = None, *, token: str = "") -> dict:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with httpx.AsyncClient(base_url=self.url, timeout=TIMEOUT) as http:
            response = await http.post(
                "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
            )
        assert response.status_code == 200, response.text
        return response.json()

    async def get(self, path: str) -> httpx.Response:
        async with httpx.AsyncClient(base_url=self.url, timeout=TIMEOUT) as http:
            return await http.get(path)

    async def wait_until(self, path: str = "/readyz", status: int = 200) -> None:
        async with asyncio.timeout(TIMEOUT):
            while True:
                assert self.process.poll() is None, f"server died:\n{self.log.read_text()}"
                with contextlib.suppress(httpx.HTTPError):
                    if (await self.get(path)).status_code == status:
                        return
                await asyncio.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def spawn(database_url: str, **overrides: str) -> Server:
    """Start a server process (not waiting for it)."""
    port = free_port()
    env = {**os.environ, **BASE_ENV, "DATABASE_URL": database_url, "PORT": str(port)}
    env["REDIS_URL"] = REDIS_URL
    env.update(overrides)
    log = Path(tempfile.mkstemp(prefix=f"ouderlink-server-{port}-", suffix=".log")[1])
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "uvicorn", "server:app", "--host", "127.0.0.1"),
            *("--port", str(port), "--ws", lean_protocol.PATH),
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    return Server(port, process, log, overrides)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def live_servers(orm: str) -> AsyncIterator[list[Server]]:
    """Two processes sharing Redis on the production shape, one on the embedded shape."""
    servers = [spawn(orm) for _ in range(2 if TWO_PROCESSES else 1)]
    try:
        for server in servers:
            await server.wait_until()
        yield servers
    finally:
        for server in servers:
            server.stop()


StartServer = Callable[..., Awaitable[Server]]


@pytest_asyncio.fixture(loop_scope="session")
async def start_server(orm: str) -> AsyncIterator[StartServer]:
    """Extra server processes with their own settings, stopped after the test."""
    started: list[Server] = []

    async def start(*, ready: str = "/readyz", **overrides: str) -> Server:
        server = spawn(orm, **overrides)
        started.append(server)
        await server.wait_until(ready)
        return server

    yield start
    for server in started:
        server.stop()


class Closed(Exception):
    """The server closed the socket."""

    def __init__(self, code: int | None, reason: str) -> None:
        super().__init__(f"closed with {code}: {reason}")
        self.code = code
        self.reason = reason


class GraphQLSocket:
    """A GraphQL WebSocket client for graphql-transport-ws or the legacy graphql-ws."""

    def __init__(self, connection: ClientConnection, protocol: str) -> None:
        self.ws = connection
        self.protocol = protocol
        self.legacy = protocol == "graphql-ws"
        self._ids = itertools.count(1)
        self.pings = 0
        self.keep_alives = 0
        self._pending: dict[str, list[dict]] = {}

    @classmethod
    async def open(
        cls,
        url: str,
        *,
        protocol: str = "graphql-transport-ws",
        origin: str | None = None,
        **options: Any,
    ) -> GraphQLSocket:
        connection = await websockets.connect(
            url, subprotocols=[protocol], origin=origin, open_timeout=TIMEOUT, **options
        )
        return cls(connection, protocol)

    @classmethod
    async def connect(
        cls, url: str, token: str | None, *, protocol: str = "graphql-transport-ws", **options: Any
    ) -> GraphQLSocket:
        """Open and initialise (authenticated when `token` is given); expects the ack."""
        client = await cls.open(url, protocol=protocol, **options)
        payload = {"authorization": f"Bearer {token}"} if token else {}
        await client.send({"type": "connection_init", "payload": payload})
        ack = await client.receive()
        assert ack["type"] == "connection_ack", ack
        return client

    def _closed(self) -> Closed:
        return Closed(self.ws.close_code, self.ws.close_reason or "")

    async def send(self, message: dict) -> None:
        try:
            await self.ws.send(json.dumps(message))
        except websockets.ConnectionClosed:
            raise self._closed() from None

    async def receive(self, seconds: float = TIMEOUT) -> dict:
        """The next protocol message, answering pings and skipping keep-alives."""
        async with asyncio.timeout(seconds):
            while True:
                try:
                    raw = await self.ws.recv()
                except websockets.ConnectionClosed:
                    raise self._closed() from None
                message = json.loads(raw)
                if message["type"] == "ping":
                    self.pings += 1
                    await self.send({"type": "pong"})
                    continue
                if message["type"] == "ka":
                    self.keep_alives += 1
                    continue
                return message

    async def subscribe(self, query: str, variables: dict | None = None) -> str:
        op = str(next(self._ids))
        kind = "start" if self.legacy else "subscribe"
        payload = {"query": query, "variables": variables or {}}
        await self.send({"id": op, "type": kind, "payload": payload})
        return op

    async def next_message(self, op: str, seconds: float = TIMEOUT) -> dict:
        """The next message of operation `op` (others' are kept for later)."""
        if self._pending.get(op):
            return self._pending[op].pop(0)
        while True:
            message = await self.receive(seconds)
            if message.get("id") == op:
                return message
            self._pending.setdefault(str(message.get("id")), []).append(message)

    async def next_result(self, op: str, seconds: float = TIMEOUT) -> dict:
        """The next result payload ({data, errors}) of operation `op`."""
        message = await self.next_message(op, seconds)
        assert message["type"] in ("next", "data"), message
        return message["payload"]

    async def results(self, op: str, count: int) -> list[dict]:
        return [await self.next_result(op) for _ in range(count)]

    async def wait_closed(self, seconds: float = TIMEOUT) -> Closed:
        """Read until the server closes the socket; the close code and reason."""
        try:
            async with asyncio.timeout(seconds):
                while True:
                    await self.receive(seconds)
        except Closed as closed:
            return closed

    async def close(self) -> None:
        await self.ws.close()
