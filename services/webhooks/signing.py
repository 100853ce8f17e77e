"""Signing secrets and signatures (the scheme Stripe uses).

A secret is `whsec_` and 32 random bytes (base64url), shown to the admin once and kept
sealed at rest with a key derived from SECRET_KEY. Every attempt is signed anew:

    Ouderlink-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>

The receiver recomputes the HMAC over the raw body and rejects old timestamps (replays).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from services.notifications import sealed

PREFIX = "whsec_"
HEADER = "Ouderlink-Signature"
_PURPOSE = "ouderlink.webhooks.secret"


def new_secret() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def seal(secret: str) -> str:
    return sealed.seal(secret, _PURPOSE)


def unseal(stored: str) -> str | None:
    """The secret, or None when SECRET_KEY changed since it was sealed."""
    return sealed.unseal(stored, _PURPOSE)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify(secret: str, value: str, body: bytes, now: int, tolerance: int = 300) -> bool:
    """What a receiver does: a v1 signature matches and the timestamp is recent."""
    parts = [p.partition("=") for p in value.split(",")]
    stamps = [v for k, _, v in parts if k == "t"]
    if len(stamps) != 1 or not stamps[0].isdigit():
        return False
    timestamp = int(stamps[0])
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body)
    return any(k == "v1" and hmac.compare_digest(v, expected) for k, _, v in parts)
