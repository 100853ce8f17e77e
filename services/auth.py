"""Logging in and out: sessions (opaque tokens stored hashed), throttling, password change."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

import settings
from models import LoginAttempt, Session, User
from services import clock, passwords
from services.errors import Refusal, RefusedError
from services.principal import Principal
from services.sql_rows import Statement, moment
from services.token_principal import TOKEN_PREFIX

INVALID_CREDENTIALS = Refusal(
    "INVALID_CREDENTIALS",
    "De combinatie van organisatie, e-mailadres en wachtwoord klopt niet.",
    "The combination of organisation, e-mail address and password is not correct.",
)
WRONG_PASSWORD = Refusal(
    "WRONG_PASSWORD", "Het huidige wachtwoord klopt niet.", "The current password is not correct."
)
WEAK_PASSWORD = Refusal(
    "WEAK_PASSWORD",
    f"Kies een wachtwoord van minstens {passwords.MIN_LENGTH} en hoogstens "
    f"{passwords.MAX_LENGTH} tekens.",
    f"Choose a password of at least {passwords.MIN_LENGTH} and at most "
    f"{passwords.MAX_LENGTH} characters.",
)


def throttled(retry_after: int) -> Refusal:
    minutes = max(1, (retry_after + 59) // 60)
    return Refusal(
        "LOGIN_THROTTLED",
        f"Te veel mislukte pogingen. Probeer het over {minutes} minuten opnieuw.",
        f"Too many failed attempts. Try again in {minutes} minutes.",
        {"retryAfterSeconds": retry_after},
    )


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class LoginGranted:
    token: str
    expires_at_iso: str
    user: User


async def _throttle_check(account_key: str, client_address: str) -> None:
    window = timedelta(minutes=settings.LOGIN_THROTTLE_WINDOW_MINUTES)
    since = clock.now() - window
    per_account = LoginAttempt.filter(account_key=account_key, created_at__gte=since)
    per_address = LoginAttempt.filter(client_address=client_address, created_at__gte=since)
    account_failures = await per_account.count()
    address_failures = await per_address.count()
    if (
        account_failures < settings.LOGIN_MAX_FAILURES_PER_ACCOUNT
        and address_failures < settings.LOGIN_MAX_FAILURES_PER_ADDRESS
    ):
        return
    query = (
        per_account if account_failures >= settings.LOGIN_MAX_FAILURES_PER_ACCOUNT else per_address
    )
    oldest = await query.order_by("created_at").first()
    retry_after = int((oldest.created_at + window - clock.now()).total_seconds()) if oldest else 60
    raise RefusedError(throttled(max(retry_after, 1)))


async def login(
    *, organisation_slug: str, email: str, password: str, client_address: str, user_agent: str = ""
) -> LoginGranted:
    """Check the credentials and open a session, or raise RefusedError."""
    slug = organisation_slug.strip().lower()
    address = email.strip().lower()
    account_key = f"{slug}:{address}"[:320]
    await _throttle_check(account_key, client_address)

    user = await User.filter(organisation__slug=slug, email=address, is_active=True).first()
    ok = user is not None and await asyncio.to_thread(
        passwords.verify_password, user.password_hash, password
    )
    if user is None:
        await asyncio.to_thread(passwords.burn_time, password)
    if not ok or user is None:
        await LoginAttempt.create(account_key=account_key, client_address=client_address[:64])
        raise RefusedError(INVALID_CREDENTIALS)

    async with in_transaction():
        granted = await open_session(user, client_address=client_address, user_agent=user_agent)
        await LoginAttempt.filter(account_key=account_key).delete()
    return granted


async def open_session(user: User, *, client_address: str, user_agent: str = "") -> LoginGranted:
    """A new session for a user whose identity was proven (password, invitation link)."""
    token = secrets.token_urlsafe(32)
    while token.startswith(TOKEN_PREFIX):  # that would be read as an API token
        token = secrets.token_urlsafe(32)
    expires_at = clock.now() + timedelta(hours=settings.SESSION_TTL_HOURS)
    await Session.create(
        user=user,
        token_hash=hash_token(token),
        expires_at=expires_at,
        client_address=client_address[:64],
        user_agent=user_agent[:255],
    )
    return LoginGranted(token=token, expires_at_iso=expires_at.isoformat(), user=user)


def check_password_strength(password: str) -> None:
    """Raise WEAK_PASSWORD unless the length is within the limits."""
    if not passwords.MIN_LENGTH <= len(password) <= passwords.MAX_LENGTH:
        raise RefusedError(WEAK_PASSWORD)


async def revoke_all_sessions(user_id: int) -> int:
    """Log the user out everywhere (after a password reset); the number of sessions ended.

    Counted by the sessions locked and revoked, not by the update's count of changed rows:
    on SQLite that count includes the rows the access-epoch triggers write."""
    async with in_transaction():
        standing = await Session.filter(user_id=user_id, revoked_at=None).select_for_update()
        if standing:
            await Session.filter(id__in=[s.id for s in standing]).update(revoked_at=clock.now())
    return len(standing)


async def authenticate(token: str) -> Principal | None:
    """The principal behind a bearer token, or None when it is unknown, expired or revoked."""
    if not token or len(token) > 200:
        return None
    session = (
        await Session.filter(
            token_hash=hash_token(token), revoked_at=None, expires_at__gt=clock.now()
        )
        .select_related("user")
        .first()
    )
    if session is None or not session.user.is_active:
        return None
    user = session.user
    return Principal(
        user_id=user.id,
        organisation_id=user.organisation_id,  # type: ignore[attr-defined]
        role=user.role,
        session_id=session.id,
        locale=user.locale,
    )


async def session_is_live(session_id: int) -> bool:
    """Whether a session still stands (long-lived WebSockets re-check this)."""
    return await Session.filter(
        id=session_id, revoked_at=None, expires_at__gt=clock.now(), user__is_active=True
    ).exists()


async def live_sessions(session_ids: Iterable[int]) -> set[int]:
    """Which of these sessions still stand (one query for many live connections)."""
    return set(await live_session_expiries(session_ids))


async def live_session_expiries(session_ids: Iterable[int]) -> dict[int, datetime]:
    """The sessions among these that still stand, with when each expires (one query)."""
    ids = sorted(set(session_ids))
    if not ids:
        return {}
    # Raw: thousands of ids are one array parameter (an ORM IN list builds one each).
    sql = Statement()
    live = sql.tuples(
        'SELECT s.id, s.expires_at FROM "session" s JOIN app_user u ON u.id = s.user_id WHERE '
        + sql.in_ids("s.id", "ids")
        + " AND s.revoked_at IS NULL AND s.expires_at > :now AND u.is_active = :active",
        ["id", "expires_at"],
        "id",
    )
    row = await sql.fetch_row(
        f"SELECT {live} AS live", {"ids": ids, "now": clock.now(), "active": True}
    )
    return {
        session_id: moment(expires_at) for session_id, expires_at in (row or {}).get("live") or ()
    }


async def session_expires_at(session_id: int) -> datetime | None:
    """When a live session expires (None when it is not live): live connections close then."""
    session = await Session.filter(
        id=session_id, revoked_at=None, expires_at__gt=clock.now(), user__is_active=True
    ).first()
    return session.expires_at if session else None


async def logout(principal: Principal) -> None:
    await Session.filter(id=principal.session_id, revoked_at=None).update(revoked_at=clock.now())


async def change_password(principal: Principal, *, old_password: str, new_password: str) -> None:
    """Check the old password, set the new one and revoke every other session."""
    user = await User.get(id=principal.user_id)
    if not await asyncio.to_thread(passwords.verify_password, user.password_hash, old_password):
        raise RefusedError(WRONG_PASSWORD)
    if not passwords.MIN_LENGTH <= len(new_password) <= passwords.MAX_LENGTH:
        raise RefusedError(WEAK_PASSWORD)
    new_hash = await asyncio.to_thread(passwords.hash_password, new_password)
    async with in_transaction():
        await User.filter(id=user.id).update(password_hash=new_hash)
        await (
            Session.filter(user_id=user.id, revoked_at=None)
            .exclude(id=principal.session_id)
            .update(revoked_at=clock.now())
        )
