"""Invitations of new parents and password resets: one-time, expiring links by mail.

A link carries a random token; only its SHA-256 is stored (`Invitation`). The mail waits
in the notification queue with the token sealed (services.notifications.sealed) and is sent
by the worker with retries. Asking for a reset never tells whether the address has an
account: the answer is always the same, and a mail goes out only when it has one.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

import settings
from models import (
    Child,
    Guardianship,
    Invitation,
    InvitationKind,
    LoginAttempt,
    Organisation,
    Role,
    User,
)
from services import auth, clock, passwords
from services.errors import AccessDenied, Refusal, RefusedError
from services.notifications import dispatch
from services.principal import Principal

INVITATION_PATH = "/invitation?token="
RESET_PATH = "/reset-password?token="
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")

INVITATION_INVALID = Refusal(
    "INVITATION_INVALID", "Deze link is ongeldig.", "This link is not valid."
)
INVITATION_USED = Refusal(
    "INVITATION_USED", "Deze link is al gebruikt.", "This link has already been used."
)
INVITATION_EXPIRED = Refusal(
    "INVITATION_EXPIRED",
    "Deze link is verlopen. Vraag een nieuwe aan.",
    "This link has expired. Ask for a new one.",
)


def _refuse(code: str, nl: str, en: str, field: str) -> RefusedError:
    return RefusedError(Refusal(code, nl, en, {"field": field}))


@dataclass(frozen=True)
class Invited:
    user: User
    expires_at: datetime
    reused_account: bool


def _clean_email(email: str) -> str:
    address = (email or "").strip().lower()
    if len(address) > 254 or not _EMAIL.match(address):
        raise _refuse(
            "INVALID_EMAIL",
            "Dit e-mailadres klopt niet.",
            "This e-mail address is not valid.",
            "email",
        )
    return address


def _clean_name(value: str, field: str) -> str:
    name = " ".join((value or "").split())
    if not name or len(name) > 100:
        raise _refuse(
            "NAME_REQUIRED",
            "Vul een naam in (hoogstens 100 tekens).",
            "Fill in a name (at most 100 characters).",
            field,
        )
    return name


async def _new_link(user: User, kind: InvitationKind, ttl: timedelta, conn) -> tuple[str, datetime]:
    """Expire earlier open links of this kind and make a new one."""
    now = clock.now()
    await (
        Invitation.filter(user_id=user.id, kind=kind, used_at=None, expires_at__gt=now)
        .using_db(conn)
        .update(expires_at=now)
    )
    token = secrets.token_urlsafe(32)
    expires_at = now + ttl
    await Invitation.create(
        user_id=user.id,
        kind=kind,
        token_hash=auth.hash_token(token),
        expires_at=expires_at,
        created_at=now,
        using_db=conn,
    )
    return token, expires_at


async def invite_parent(
    principal: Principal,
    *,
    email: str,
    first_name: str,
    last_name: str,
    child_ids: Sequence[int],
    locale: str = "nl",
) -> Invited:
    """A planner or admin invites a parent of children of their organisation."""
    if not principal.is_back_office:
        raise AccessDenied("FORBIDDEN")
    address = _clean_email(email)
    first, last = _clean_name(first_name, "firstName"), _clean_name(last_name, "lastName")
    wanted = sorted(set(child_ids))
    if not wanted:
        raise _refuse(
            "CHILD_REQUIRED", "Kies minstens één kind.", "Choose at least one child.", "childIds"
        )
    found = await Child.filter(id__in=wanted, organisation_id=principal.organisation_id).count()
    if found != len(wanted):
        raise AccessDenied("NOT_FOUND")
    org = await Organisation.get(id=principal.organisation_id)
    ttl = timedelta(days=settings.INVITATION_TTL_DAYS)
    async with in_transaction() as conn:
        user = await User.get_or_none(organisation_id=org.id, email=address).using_db(conn)
        reused = user is not None
        if user is None:
            user = await User.create(
                organisation_id=org.id,
                email=address,
                first_name=first,
                last_name=last,
                role=Role.PARENT,
                password_hash="",
                locale="en" if (locale or "").lower().startswith("en") else "nl",
                using_db=conn,
            )
        elif user.role is not Role.PARENT:
            raise _refuse(
                "EMAIL_IN_USE",
                "Dit e-mailadres hoort bij een medewerker.",
                "This e-mail address belongs to a staff account.",
                "email",
            )
        for child_id in wanted:
            await Guardianship.get_or_create(child_id=child_id, user_id=user.id, using_db=conn)
        token, expires_at = await _new_link(user, InvitationKind.INVITATION, ttl, conn)
        params = {"organisation": org.name, "days": str(settings.INVITATION_TTL_DAYS)}
        await dispatch.enqueue_mail(user, "invitation", params, INVITATION_PATH, token, conn)
    _wake()
    return Invited(user, expires_at, reused)


def _wake() -> None:
    from services.notifications import worker

    worker.wake()


async def _open_link(token: str, kind: InvitationKind) -> Invitation:
    if not token or len(token) > 200:
        raise RefusedError(INVITATION_INVALID)
    link = await Invitation.get_or_none(token_hash=auth.hash_token(token), kind=kind)
    if link is None:
        raise RefusedError(INVITATION_INVALID)
    if link.used_at is not None:
        raise RefusedError(INVITATION_USED)
    if link.expires_at <= clock.now():
        raise RefusedError(INVITATION_EXPIRED)
    return link


async def _use_link(token: str, kind: InvitationKind, password: str) -> User:
    """Check the link and the password, set the password and spend the link (once)."""
    link = await _open_link(token, kind)
    auth.check_password_strength(password)
    password_hash = await asyncio.to_thread(passwords.hash_password, password)
    async with in_transaction() as conn:
        spent = (
            await Invitation.filter(id=link.id, used_at=None)
            .using_db(conn)
            .update(used_at=clock.now())
        )
        if not spent:  # used at the same moment by another request
            raise RefusedError(INVITATION_USED)
        user = await User.get_or_none(id=link.user_id, is_active=True).using_db(conn)  # type: ignore[attr-defined]
        if user is None:
            raise RefusedError(INVITATION_INVALID)
        await User.filter(id=user.id).using_db(conn).update(password_hash=password_hash)
    return user


async def accept_invitation(
    token: str, password: str, *, client_address: str, user_agent: str = ""
) -> auth.LoginGranted:
    """Set the first password through the invitation link and log in."""
    user = await _use_link(token, InvitationKind.INVITATION, password)
    return await auth.open_session(user, client_address=client_address, user_agent=user_agent)


async def request_password_reset(
    *, organisation_slug: str, email: str, client_address: str
) -> None:
    """Mail a reset link when the account exists; the same outcome either way.

    Throttled per client address (refused with LOGIN_THROTTLED, whether or not the account
    exists) and per account (further requests within the hour quietly send nothing)."""
    slug = (organisation_slug or "").strip().lower()[:63]
    address = (email or "").strip().lower()[:254]
    window = timedelta(hours=1)
    since = clock.now() - window
    recent = await LoginAttempt.filter(
        client_address=client_address[:64],
        account_key__startswith="reset:",
        created_at__gte=since,
    ).count()
    if recent >= settings.PASSWORD_RESET_MAX_PER_ADDRESS:
        raise RefusedError(auth.throttled(int(window.total_seconds())))
    await LoginAttempt.create(
        account_key=f"reset:{slug}:{address}"[:320],
        client_address=client_address[:64],
        created_at=clock.now(),
    )
    user = await User.filter(organisation__slug=slug, email=address, is_active=True).first()
    if user is None:
        return
    asked = await Invitation.filter(
        user_id=user.id, kind=InvitationKind.PASSWORD_RESET, created_at__gte=since
    ).count()
    if asked >= settings.PASSWORD_RESET_MAX_PER_HOUR:
        return
    org = await Organisation.get(id=user.organisation_id)  # type: ignore[attr-defined]
    ttl = timedelta(minutes=settings.PASSWORD_RESET_TTL_MINUTES)
    async with in_transaction() as conn:
        token, _ = await _new_link(user, InvitationKind.PASSWORD_RESET, ttl, conn)
        params = {"organisation": org.name, "minutes": str(settings.PASSWORD_RESET_TTL_MINUTES)}
        await dispatch.enqueue_mail(user, "password_reset", params, RESET_PATH, token, conn)
    _wake()


async def reset_password(token: str, password: str) -> int:
    """Set a new password through a reset link; every session ends. Returns how many."""
    user = await _use_link(token, InvitationKind.PASSWORD_RESET, password)
    return await auth.revoke_all_sessions(user.id)
