"""Web Push device subscriptions of a user: register (or move to this user) and remove."""

from __future__ import annotations

import base64
import binascii
import hashlib
from urllib.parse import urlparse

import settings
from models import PushSubscription
from services import clock
from services.errors import Refusal, RefusedError
from services.principal import Principal

INVALID_SUBSCRIPTION = Refusal(
    "INVALID_PUSH_SUBSCRIPTION",
    "Deze pushinschrijving is ongeldig.",
    "This push subscription is not valid.",
)


def _decode(value: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return b""


def endpoint_hash(endpoint: str) -> str:
    return hashlib.sha256(endpoint.encode()).hexdigest()


def _check(endpoint: str, p256dh: str, auth: str) -> None:
    url = urlparse(endpoint)
    schemes = ("https",) if settings.ENVIRONMENT == "production" else ("https", "http")
    key, secret = _decode(p256dh), _decode(auth)
    if (
        len(endpoint) > 1000
        or url.scheme not in schemes
        or not url.hostname
        or len(key) != 65
        or key[0] != 4
        or len(secret) != 16
    ):
        raise RefusedError(INVALID_SUBSCRIPTION)


async def register(
    principal: Principal, *, endpoint: str, p256dh: str, auth: str, user_agent: str = ""
) -> PushSubscription:
    """Keep this device's subscription for the viewer (a device used by someone else before
    now belongs to the viewer only)."""
    endpoint, p256dh, auth = endpoint.strip(), p256dh.strip(), auth.strip()
    _check(endpoint, p256dh, auth)
    row, _ = await PushSubscription.update_or_create(
        defaults={
            "user_id": principal.user_id,
            "endpoint": endpoint,
            "p256dh": p256dh,
            "auth": auth,
            "user_agent": user_agent[:255],
            "created_at": clock.now(),
        },
        endpoint_hash=endpoint_hash(endpoint),
    )
    return row


async def remove(principal: Principal, endpoint: str) -> bool:
    """Forget the viewer's subscription of this endpoint; False when there was none."""
    deleted = await PushSubscription.filter(
        user_id=principal.user_id, endpoint_hash=endpoint_hash(endpoint.strip())
    ).delete()
    return bool(deleted)


async def of_user(principal: Principal) -> list[PushSubscription]:
    return await PushSubscription.filter(user_id=principal.user_id).order_by("id")
