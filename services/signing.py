"""HMAC-signed, expiring tokens for URLs (media uploads and downloads).

A token is `<payload>.<signature>`, both base64url without padding. The payload is compact
JSON with an `exp` (Unix seconds); the signature is HMAC-SHA256 over the purpose and the
payload, with a key derived from settings.SECRET_KEY per purpose, so a download token can
never be replayed as an upload token. Comparison is constant-time (hmac.compare_digest).
"""

from __future__ import annotations

import base64
import binascii
import functools
import hmac
import json
from datetime import datetime
from json.encoder import encode_basestring_ascii  # type: ignore[attr-defined]
from typing import Any

import settings
from services import clock
from services.b64 import urlsafe
from services.b64 import urlsafe_bytes as _urlsafe_bytes

try:  # CPython with OpenSSL (the `hmac` module builds on it the same way)
    from _hashlib import hmac_new as _c_hmac
except ImportError:  # pragma: no cover
    _c_hmac = None

MAX_TOKEN_LENGTH = 1024


class BadSignature(Exception):
    """The token is malformed, tampered with, or signed for another purpose."""


class SignatureExpired(BadSignature):
    """The token was genuine but its time is up."""


_b64encode = urlsafe


def _b64decode(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode((text + "=" * (-len(text) % 4)).encode())
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise BadSignature("not base64") from None


def _key(purpose: str) -> bytes:
    return _derived_key(str(settings.SECRET_KEY), purpose)


@functools.lru_cache(maxsize=32)
def _derived_key(secret: str, purpose: str) -> bytes:
    """Derived once per purpose (a home screen signs hundreds of addresses)."""
    return hmac.digest(secret.encode(), f"ouderlink.signing:{purpose}".encode(), "sha256")


def _mac(purpose: str, payload_b64: str) -> bytes:
    return hmac.digest(_key(purpose), f"{purpose}.{payload_b64}".encode(), "sha256")


def _compact_json(body: dict[str, Any]) -> str:
    """`json.dumps(body, separators=(",", ":"), sort_keys=True)`, the same text, faster for
    the usual claims (ints and short strings: a page of photos signs hundreds of addresses)."""
    parts = []
    for key in sorted(body):
        value = body[key]
        if type(value) is int:
            parts.append(f"{encode_basestring_ascii(key)}:{value}")
        elif type(value) is str:
            parts.append(f"{encode_basestring_ascii(key)}:{encode_basestring_ascii(value)}")
        else:
            return json.dumps(body, separators=(",", ":"), sort_keys=True)
    return "{" + ",".join(parts) + "}"


def sign(purpose: str, claims: dict[str, Any], expires_at: datetime) -> str:
    """A token carrying `claims` (ids and short strings) until `expires_at`."""
    body = {**claims, "exp": int(expires_at.timestamp())}
    payload = _b64encode(_compact_json(body).encode())
    return f"{payload}.{_b64encode(_mac(purpose, payload))}"


class TextSigner:
    """Tokens of claims already written as `sign` writes them (compact JSON, sorted keys),
    with the purpose's key derived once (a page of files signs hundreds of addresses): the
    same tokens as `sign`, in bytes until the end."""

    __slots__ = ("_keyed",)

    def __init__(self, purpose: str) -> None:
        # HMAC with the key already mixed in and the purpose fed: each token copies it.
        # OpenSSL's HMAC object itself where there is one (what `hmac.new` wraps: its copy,
        # update and digest are then C calls, ~2 µs a token instead of ~5).
        message = f"{purpose}.".encode()
        self._keyed = (
            _c_hmac(_key(purpose), message, digestmod="sha256")
            if _c_hmac is not None
            else hmac.new(_key(purpose), message, "sha256")
        )

    def sign(self, claims: str) -> str:
        payload = _urlsafe_bytes(claims.encode())
        mac = self._keyed.copy()
        mac.update(payload)
        return (payload + b"." + _urlsafe_bytes(mac.digest())).decode()


def verify(purpose: str, token: str) -> dict[str, Any]:
    """The claims of a genuine, unexpired token; raises BadSignature or SignatureExpired."""
    if not token or len(token) > MAX_TOKEN_LENGTH or token.count(".") != 1:
        raise BadSignature("malformed")
    payload, _, signature = token.partition(".")
    if not hmac.compare_digest(_b64decode(signature), _mac(purpose, payload)):
        raise BadSignature("signature mismatch")
    try:
        claims = json.loads(_b64decode(payload))
    except (ValueError, UnicodeDecodeError):
        raise BadSignature("bad payload") from None
    if not isinstance(claims, dict) or not isinstance(claims.get("exp"), int):
        raise BadSignature("bad payload")
    if clock.now().timestamp() >= claims["exp"]:
        raise SignatureExpired("expired")
    return claims
