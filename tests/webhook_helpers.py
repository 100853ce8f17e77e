"""A real webhook receiver for tests (aiohttp on 127.0.0.1, a free port) and set-up helpers.

The receiver answers each POST with the next status of `statuses` (204 when empty; after
the next of `delays` seconds, if any), keeps
every request (raw body and headers) and can be started late on a port chosen in advance, to
play an endpoint that is down and comes back.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field

import pytest_asyncio
from aiohttp import web

from models import Role
from services import auth, clock
from services.webhooks import endpoints, signing
from tests import factories
from tests.agenda_helpers import MONDAY, at
from tests.notification_helpers import free_port

START = at(MONDAY)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    status: int

    @property
    def document(self) -> dict:
        return json.loads(self.body)

    def signed_with(self, secret: str) -> bool:
        stamp = int(self.headers["ouderlink-signature"].split(",")[0].removeprefix("t="))
        return signing.verify(secret, self.headers["ouderlink-signature"], self.body, now=stamp)


@dataclass
class Receiver:
    port: int = field(default_factory=free_port)
    statuses: list[int] = field(default_factory=list)
    delays: list[float] = field(default_factory=list)  # seconds before answering, per POST
    received: list[Received] = field(default_factory=list)
    runner: web.AppRunner | None = None

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def delivered(self) -> list[Received]:
        return [r for r in self.received if 200 <= r.status < 300]

    async def handle(self, request: web.Request) -> web.Response:
        status = self.statuses.pop(0) if self.statuses else 204
        body = await request.read()
        if self.delays:
            await asyncio.sleep(self.delays.pop(0))
        headers = {k.lower(): v for k, v in request.headers.items()}
        self.received.append(Received(request.path, headers, body, status))
        headers = {"Location": self.url("/elsewhere")} if 300 <= status < 400 else None
        return web.Response(status=status, headers=headers)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/{path:.*}", self.handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None


@pytest_asyncio.fixture(loop_scope="session")
async def receiver():
    """A running receiver for this test."""
    box = Receiver()
    await box.start()
    try:
        yield box
    finally:
        await box.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def idle_receiver():
    """A receiver on a reserved port that is not listening yet (`await idle_receiver.start()`)."""
    box = Receiver()
    try:
        yield box
    finally:
        await box.stop()


class MovingClock:
    def __init__(self, start=START) -> None:
        self.now = start
        clock.set_clock(lambda: self.now)

    def advance(self, delta) -> None:
        self.now = self.now + delta


async def admin_of(org, email: str | None = None):
    user = await factories.user(org, Role.ADMIN, email=email)
    return await auth.authenticate(await factories.token_for(user))


async def register(principal, url: str, events=("day_request.created",), scopes=("requests",)):
    return await endpoints.register(principal, url=url, event_types=events, scopes=scopes)
