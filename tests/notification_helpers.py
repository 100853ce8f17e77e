"""Real receivers for notification tests: an SMTP server (aiosmtpd) that can refuse the
first N mails with 451, and a Web Push endpoint (aiohttp) that checks the VAPID signature
and decrypts the payload with the subscription's private key (http_ece)."""

from __future__ import annotations

import base64
import json
import os
import socket
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

import http_ece
import pytest
import pytest_asyncio
from aiohttp import web
from aiosmtpd.controller import Controller
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02
from starlette.datastructures import Secret

import settings
from services.notifications import push


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MailBox:
    """aiosmtpd handler: keeps every accepted message; refuses the first `fail_next` ones."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.fail_next = 0
        self.refused = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.fail_next > 0:
            self.fail_next -= 1
            self.refused += 1
            return "451 4.3.0 Try again later"
        msg = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(msg)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp(monkeypatch) -> MailBox:
    """A local SMTP server for this test; settings point at it."""
    box = MailBox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setattr(settings, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setattr(settings, "SMTP_PORT", port)
    monkeypatch.setattr(settings, "SMTP_SECURITY", "none")
    try:
        yield box
    finally:
        controller.stop()


def parts(msg: EmailMessage) -> tuple[str, str]:
    """(plain text, html) of a multipart/alternative mail."""
    text = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = msg.get_body(("html",)).get_content()  # type: ignore[union-attr]
    return text, html


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@dataclass
class Device:
    """A browser's side of a push subscription: its keys, to decrypt what arrives."""

    path: str
    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth_secret: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        raw = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return _b64(raw)

    @property
    def auth(self) -> str:
        return _b64(self.auth_secret)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    payload: dict
    vapid_ok: bool
    claims: dict


class PushService:
    """Answers each POST with the next status of `statuses` (201 when empty)."""

    def __init__(self) -> None:
        self.devices: dict[str, Device] = {}
        self.received: list[Received] = []
        self.statuses: dict[str, list[int]] = {}
        self.base = ""

    def device(self, name: str) -> Device:
        dev = Device(f"/push/{name}")
        self.devices[dev.path] = dev
        return dev

    def endpoint(self, dev: Device) -> str:
        return f"{self.base}{dev.path}"

    async def handle(self, request: web.Request) -> web.Response:
        queue = self.statuses.get(request.path) or []
        status = queue.pop(0) if queue else 201
        if status >= 300:
            return web.Response(status=status)
        dev = self.devices[request.path]
        body = await request.read()
        plain = http_ece.decrypt(
            body, private_key=dev.private_key, auth_secret=dev.auth_secret, version="aes128gcm"
        )
        auth = request.headers.get("Authorization", "")
        token = auth.split("t=", 1)[1].split(",", 1)[0] if "t=" in auth else ""
        claims_b64 = token.split(".")[1] if token.count(".") == 2 else ""
        claims = json.loads(base64.urlsafe_b64decode(claims_b64 + "=" * (-len(claims_b64) % 4)))
        self.received.append(
            Received(
                request.path,
                {k.lower(): v for k, v in request.headers.items()},
                json.loads(plain),
                bool(Vapid02.verify(auth)),
                claims,
            )
        )
        return web.Response(status=201)


@pytest_asyncio.fixture(loop_scope="session")
async def push_service(monkeypatch) -> PushService:
    """A local push service; the server signs with a fresh VAPID key for this test."""
    monkeypatch.setattr(settings, "VAPID_PRIVATE_KEY", Secret(push.generate_private_key()))
    push.vapid.cache_clear()
    service = PushService()
    app = web.Application()
    app.router.add_post("/push/{name}", service.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    service.base = f"http://127.0.0.1:{port}"
    try:
        yield service
    finally:
        await runner.cleanup()
        push.vapid.cache_clear()


def vapid_public_key() -> str:
    return push.public_key()
