"""Password hashing with argon2id."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# A real hash to verify against when the account does not exist, so that a login for an
# unknown address costs as much time as one with a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")

MIN_LENGTH = 10
MAX_LENGTH = 200


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def burn_time(password: str) -> None:
    """Spend a verification's worth of time (for unknown accounts)."""
    verify_password(_DUMMY_HASH, password + "x")
