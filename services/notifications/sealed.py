"""Encrypting one-time links while their mail waits in the queue (Fernet, key from
settings.SECRET_KEY). Only the SHA-256 of a token is kept for checking; the sealed copy is
wiped as soon as the mail went out. Webhook signing secrets are kept sealed the same way
(with a key of their own purpose)."""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken

import settings

# Each use derives its own key, so a sealed text of one kind never opens as another.
NOTIFICATIONS = "ouderlink.notifications.sealed"


def _fernet(purpose: str) -> Fernet:
    secret = str(settings.SECRET_KEY).encode()
    key = hmac.new(secret, purpose.encode(), hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(text: str, purpose: str = NOTIFICATIONS) -> str:
    return _fernet(purpose).encrypt(text.encode()).decode()


def unseal(sealed: str, purpose: str = NOTIFICATIONS) -> str | None:
    """The text, or None when it was tampered with or sealed with another secret."""
    try:
        return _fernet(purpose).decrypt(sealed.encode()).decode()
    except (InvalidToken, ValueError):
        return None
