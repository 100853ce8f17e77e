"""API tokens for third-party dashboards: created by an admin, shown once, stored hashed.

A token is `olk_` + 43 random URL-safe characters. Only its SHA-256 is stored, with the
first characters (`prefix`) so an admin can tell tokens apart in a list. A token reads only
(the GraphQL layer refuses every mutation and subscription) and reaches only what its
scopes name, inside its own organisation.

Only admins manage tokens: a token hands organisation figures to a third party, which is a
decision for whoever is responsible for the organisation's data, not for day-to-day planning.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from models import ApiToken, Role
from services import clock
from services.errors import AccessDenied, Refusal, RefusedError
from services.events import DomainEvent, NullPublisher, Publisher, record
from services.principal import Principal
from services.token_principal import TOKEN_PREFIX, Scope, TokenPrincipal

NAME_MAX = 100
PUBLISHER_MAX = 100
DEFAULT_LIFETIME = timedelta(days=365)
# Two years, counting a leap day.
MAX_LIFETIME = timedelta(days=731)
# `last_used_at` is written at most this often per token (not on every request).
LAST_USED_RESOLUTION = timedelta(minutes=1)
# Characters of the token kept for display: "olk_" and six random ones.
PREFIX_LENGTH = 10
# Longest raw token we hash at all (ours are 47 characters).
RAW_MAX = 200

CREATED = "api_token.created"
REVOKED = "api_token.revoked"

NAME_INVALID = Refusal(
    "NAME_INVALID",
    f"Geef het token een naam van 1 tot {NAME_MAX} tekens.",
    f"Give the token a name of 1 to {NAME_MAX} characters.",
    {"field": "name"},
)
PUBLISHER_TOO_LONG = Refusal(
    "PUBLISHER_TOO_LONG",
    f"De uitgever mag hooguit {PUBLISHER_MAX} tekens zijn.",
    f"The publisher may be at most {PUBLISHER_MAX} characters.",
    {"field": "publisher"},
)
NO_SCOPES = Refusal(
    "NO_SCOPES",
    "Kies minstens een scope: waar mag het token bij?",
    "Choose at least one scope: what may the token see?",
    {"field": "scopes"},
)
UNKNOWN_SCOPE = Refusal(
    "UNKNOWN_SCOPE",
    "Die scope bestaat niet.",
    "That scope does not exist.",
    {"field": "scopes"},
)
EXPIRY_IN_PAST = Refusal(
    "EXPIRY_IN_PAST",
    "De vervaldatum moet in de toekomst liggen.",
    "The expiry must lie in the future.",
    {"field": "expiresAt"},
)
EXPIRY_TOO_FAR = Refusal(
    "EXPIRY_TOO_FAR",
    "Een token geldt hooguit twee jaar.",
    "A token is valid for at most two years.",
    {"field": "expiresAt"},
)
API_TOKEN_NOT_FOUND = Refusal(
    "API_TOKEN_NOT_FOUND",
    "Dat token bestaat niet in uw organisatie.",
    "That token does not exist in your organisation.",
    {"field": "id"},
)
ALREADY_REVOKED = Refusal(
    "ALREADY_REVOKED",
    "Dat token is al ingetrokken.",
    "That token has already been revoked.",
    {"field": "id"},
)


@dataclass(frozen=True)
class IssuedToken:
    """A new token and its secret: the only moment the secret exists outside the caller."""

    token: ApiToken
    secret: str


def hash_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_secret() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def looks_like_token(raw: str) -> bool:
    """Whether a bearer value is meant as an API token (not a session token)."""
    return raw.startswith(TOKEN_PREFIX)


def _admin(principal: Principal) -> None:
    if principal.role is not Role.ADMIN:
        raise AccessDenied("FORBIDDEN")


def _scopes(values: Iterable[str]) -> list[str]:
    """Known scopes without duplicates, in the order of `Scope`; refuses empty or unknown."""
    wanted = set()
    for value in values:
        try:
            wanted.add(Scope(str(value)))
        except ValueError:
            raise RefusedError(UNKNOWN_SCOPE) from None
    if not wanted:
        raise RefusedError(NO_SCOPES)
    return [s.value for s in Scope if s in wanted]


def _expiry(expires_at: datetime | None, now: datetime) -> datetime:
    if expires_at is None:
        return now + DEFAULT_LIFETIME
    if expires_at.tzinfo is None:  # read as UTC
        expires_at = expires_at.replace(tzinfo=UTC)
    if expires_at <= now:
        raise RefusedError(EXPIRY_IN_PAST)
    if expires_at > now + MAX_LIFETIME:
        raise RefusedError(EXPIRY_TOO_FAR)
    return expires_at


def _event(kind: str, token: ApiToken, principal: Principal) -> DomainEvent:
    # Ids only: who did it and which token (never the name, never the secret).
    organisation_id = token.organisation_id  # type: ignore[attr-defined]
    return DomainEvent(
        type=kind,
        topic=f"organisation:{organisation_id}",
        organisation_id=organisation_id,
        payload={"apiTokenId": token.id, "userId": principal.user_id},
    )


async def create(
    principal: Principal,
    *,
    name: str,
    scopes: Iterable[str],
    publisher: str = "",
    expires_at: datetime | None = None,
    events: Publisher | None = None,
) -> IssuedToken:
    """A new token of the admin's organisation; the secret is returned here and never again."""
    _admin(principal)
    name, publisher = name.strip(), publisher.strip()
    if not 1 <= len(name) <= NAME_MAX:
        raise RefusedError(NAME_INVALID)
    if len(publisher) > PUBLISHER_MAX:
        raise RefusedError(PUBLISHER_TOO_LONG)
    chosen = _scopes(scopes)
    now = clock.now()
    expiry = _expiry(expires_at, now)
    secret = new_secret()
    async with in_transaction() as conn:
        token = await ApiToken.create(
            organisation_id=principal.organisation_id,
            name=name,
            publisher=publisher,
            scopes=chosen,
            token_hash=hash_secret(secret),
            prefix=secret[:PREFIX_LENGTH],
            expires_at=expiry,
            created_by_id=principal.user_id,
            using_db=conn,
        )
        event = await record(_event(CREATED, token, principal), conn)
    await (events or NullPublisher()).publish(event)
    return IssuedToken(token=token, secret=secret)


async def authenticate(raw: str) -> TokenPrincipal | None:
    """The token behind a bearer value, or None when unknown, revoked or expired.

    One indexed read per request; `last_used_at` is written at most once a minute.
    """
    if not looks_like_token(raw) or len(raw) > RAW_MAX:
        return None
    now = clock.now()
    token = (
        await ApiToken.filter(token_hash=hash_secret(raw), revoked_at=None)
        .filter(Q(expires_at=None) | Q(expires_at__gt=now))
        .select_related("organisation")
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or token.last_used_at <= now - LAST_USED_RESOLUTION:
        # Conditional: of two requests at once only one writes.
        await (
            ApiToken.filter(id=token.id)
            .filter(Q(last_used_at=None) | Q(last_used_at__lte=now - LAST_USED_RESOLUTION))
            .update(last_used_at=now)
        )
    return TokenPrincipal(
        token_id=token.id,
        organisation_id=token.organisation_id,  # type: ignore[attr-defined]
        name=token.name,
        scopes=frozenset(Scope(s) for s in token.scopes if s in Scope._value2member_map_),
        registered_queries_only=token.organisation.tokens_registered_queries_only,
    )


async def tokens(principal: Principal) -> list[ApiToken]:
    """Every token of the admin's organisation (revoked and expired ones too), newest first."""
    _admin(principal)
    return await ApiToken.filter(organisation_id=principal.organisation_id).order_by("-id")


async def token(principal: Principal, token_id: int) -> ApiToken | None:
    """One token of the admin's organisation; None for anybody else."""
    if principal.role is not Role.ADMIN:
        return None
    return await ApiToken.get_or_none(id=token_id, organisation_id=principal.organisation_id)


async def revoke(principal: Principal, token_id: int, events: Publisher | None = None) -> ApiToken:
    """Revoke a token of the admin's organisation: it stops working at once."""
    _admin(principal)
    async with in_transaction() as conn:
        token = (
            await ApiToken.filter(id=token_id, organisation_id=principal.organisation_id)
            .using_db(conn)
            .select_for_update()
            .first()
        )
        if token is None:
            raise RefusedError(API_TOKEN_NOT_FOUND)
        if token.revoked_at is not None:
            raise RefusedError(ALREADY_REVOKED)
        token.revoked_at = clock.now()
        await token.save(update_fields=["revoked_at"], using_db=conn)
        event = await record(_event(REVOKED, token, principal), conn)
    await (events or NullPublisher()).publish(event)
    return token
