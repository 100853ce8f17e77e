"""Encrypting one-time links while their mail waits in the queue (Fernet, key from
settings.SECRET_KEY). Only the SHA-256 of a token is kept for checking; the sealed copy is
wiped as soon as the mail went out."""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken

import settings


def _fernet() -> Fernet:
    secret = str(settings.SECRET_KEY).encode()
    key = hmac.new(secret, b"ouderlink.notifications.sealed", hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def unseal(sealed: str) -> str | None:
    """The text, or None when it was tampered with or sealed with another secret."""
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except (InvalidToken, ValueError):
        return None
