"""Web Push (RFC 8030/8291/8292): encrypted payloads with pywebpush, signed with VAPID.

The VAPID key comes from settings.VAPID_PRIVATE_KEY (base64url raw or DER). Outside
production a missing key is generated once into settings.VAPID_KEY_FILE, so device
subscriptions survive restarts. Clients subscribe with `public_key()` as
applicationServerKey.
"""

from __future__ import annotations

import json
import threading
from functools import lru_cache
from typing import Any
from urllib.parse import urlparse

import aiohttp
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02
from pywebpush import WebPusher, WebPushException

import settings
from models import PushSubscription
from services.b64 import urlsafe

_lock = threading.Lock()


class PushFailed(Exception):
    """The push service did not accept the message now: try again later."""


class PushGone(Exception):
    """The subscription no longer exists (404/410): forget it."""


_b64 = urlsafe


def generate_private_key() -> str:
    """A fresh VAPID private key, base64url raw (32 bytes)."""
    key = ec.generate_private_key(ec.SECP256R1())
    return _b64(key.private_numbers().private_value.to_bytes(32, "big"))


def _configured_key() -> str:
    key = str(settings.VAPID_PRIVATE_KEY).strip()
    if key:
        return key
    if settings.ENVIRONMENT == "production":
        raise RuntimeError("VAPID_PRIVATE_KEY must be set in production")
    path = settings.VAPID_KEY_FILE
    with _lock:
        if path.is_file():
            return path.read_text().strip()
        key = generate_private_key()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(key + "\n")
        path.chmod(0o600)
        return key


@lru_cache(maxsize=1)
def vapid() -> Vapid02:
    return Vapid02.from_string(_configured_key())


def public_key() -> str:
    """The VAPID public key (base64url uncompressed point): the applicationServerKey."""
    raw = vapid().public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return _b64(raw)


def _vapid_headers(endpoint: str) -> dict[str, str]:
    url = urlparse(endpoint)
    claims = {"sub": settings.VAPID_SUBJECT, "aud": f"{url.scheme}://{url.netloc}"}
    return vapid().sign(claims)


async def send(
    subscription: PushSubscription,
    payload: dict[str, Any],
    *,
    topic: str = "",
    session: aiohttp.ClientSession | None = None,
) -> None:
    """Encrypt `payload` (JSON) for the device and post it to its push service."""
    info = {
        "endpoint": subscription.endpoint,
        "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
    }
    headers = {**_vapid_headers(subscription.endpoint), "Urgency": "normal"}
    if topic:
        headers["Topic"] = topic[:32]
    data = json.dumps(payload, separators=(",", ":")).encode()
    timeout = aiohttp.ClientTimeout(total=settings.PUSH_TIMEOUT_SECONDS)
    own = session is None
    http = session or aiohttp.ClientSession()
    try:
        pusher = WebPusher(info, aiohttp_session=http)
        response = await pusher.send_async(
            data, headers, ttl=settings.PUSH_TTL_SECONDS, timeout=timeout
        )
        status = response.status  # type: ignore[union-attr]
    except (WebPushException, aiohttp.ClientError, OSError, TimeoutError, ValueError) as exc:
        raise PushFailed(f"{type(exc).__name__}: {exc}"[:500]) from exc
    finally:
        if own:
            await http.close()
    if status in (404, 410):
        raise PushGone(f"push service answered {status}")
    if status > 202:
        raise PushFailed(f"push service answered {status}")
