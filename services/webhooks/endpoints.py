"""Webhook endpoints of an organisation, managed by its admins, and their delivery log."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tortoise.transactions import in_transaction

import settings
from models import Organisation, WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint
from models.base import Role
from services import clock
from services.errors import AccessDenied, Refusal, RefusedError
from services.events import latest_event_id
from services.principal import Principal
from services.token_principal import Scope
from services.webhooks import signing
from services.webhooks.addresses import url_problem
from services.webhooks.catalogue import WebhookEvent, missing_scopes

NAME_MAX = 100
UNCHANGED = None


@dataclass(frozen=True, slots=True)
class WithSecret:
    """An endpoint and its signing secret: the only moment the secret is shown."""

    endpoint: WebhookEndpoint
    secret: str


def require_admin(principal: Principal) -> None:
    if principal.role is not Role.ADMIN:
        raise AccessDenied("FORBIDDEN")


def _refuse(code: str, nl: str, en: str, field: str) -> RefusedError:
    return RefusedError(Refusal(code, nl, en, {"field": field}))


def _name(value: str) -> str:
    value = value.strip()
    if len(value) > NAME_MAX:
        raise _refuse(
            "NAME_TOO_LONG",
            f"De naam mag hoogstens {NAME_MAX} tekens lang zijn.",
            f"The name may be at most {NAME_MAX} characters long.",
            "name",
        )
    return value


def _url(value: str) -> str:
    problem = url_problem(value)
    if problem is not None:
        raise RefusedError(problem)
    return value.strip()


def _events(values: Iterable[str]) -> list[WebhookEvent]:
    wanted = list(dict.fromkeys(values))
    if not wanted:
        raise _refuse(
            "EVENT_TYPES_REQUIRED",
            "Kies minstens één soort gebeurtenis.",
            "Choose at least one event type.",
            "eventTypes",
        )
    unknown = [v for v in wanted if v not in WebhookEvent._value2member_map_]
    if unknown:
        raise _refuse(
            "UNKNOWN_EVENT_TYPE",
            f"Onbekende soort gebeurtenis: {unknown[0]}.",
            f"Unknown event type: {unknown[0]}.",
            "eventTypes",
        )
    return sorted(WebhookEvent(v) for v in wanted)


def _scopes(values: Iterable[str], events: Sequence[WebhookEvent]) -> list[Scope]:
    chosen = list(dict.fromkeys(values))
    unknown = [v for v in chosen if v not in Scope._value2member_map_]
    if unknown:
        raise _refuse(
            "UNKNOWN_SCOPE",
            f"Onbekende scope: {unknown[0]}.",
            f"Unknown scope: {unknown[0]}.",
            "scopes",
        )
    scopes = sorted(Scope(v) for v in chosen)
    missing = sorted(missing_scopes(events, scopes))
    if missing:
        names = ", ".join(m.value for m in missing)
        raise RefusedError(
            Refusal(
                "SCOPES_DO_NOT_COVER_EVENTS",
                f"Deze gebeurtenissen vragen ook de scope {names}.",
                f"These event types also need the scope {names}.",
                {"field": "scopes", "missing": [m.value for m in missing]},
            )
        )
    return scopes


async def register(
    principal: Principal,
    *,
    url: str,
    event_types: Iterable[str],
    scopes: Iterable[str],
    name: str = "",
) -> WithSecret:
    """Register an endpoint; it gets the events recorded from now on."""
    require_admin(principal)
    clean_name, clean_url = _name(name), _url(url)
    events = _events(event_types)
    chosen = _scopes(scopes, events)
    secret = signing.new_secret()
    async with in_transaction() as conn:
        # Serialises registrations of one organisation (PostgreSQL), so the maximum holds.
        await (
            Organisation.filter(id=principal.organisation_id)
            .select_for_update()
            .using_db(conn)
            .first()
        )
        count = (
            await WebhookEndpoint.filter(organisation_id=principal.organisation_id)
            .using_db(conn)
            .count()
        )
        if count >= settings.WEBHOOK_MAX_ENDPOINTS:
            raise _refuse(
                "TOO_MANY_WEBHOOK_ENDPOINTS",
                f"Een organisatie heeft hoogstens {settings.WEBHOOK_MAX_ENDPOINTS} webhooks.",
                f"An organisation has at most {settings.WEBHOOK_MAX_ENDPOINTS} webhooks.",
                "url",
            )
        endpoint = await WebhookEndpoint.create(
            organisation_id=principal.organisation_id,
            name=clean_name,
            url=clean_url,
            event_types=[e.value for e in events],
            scopes=[s.value for s in chosen],
            secret=signing.seal(secret),
            start_after_event_id=await latest_event_id(principal.organisation_id),
            created_by_id=principal.user_id,
            using_db=conn,
        )
    return WithSecret(endpoint, secret)


async def endpoints(principal: Principal) -> list[WebhookEndpoint]:
    require_admin(principal)
    return await WebhookEndpoint.filter(organisation_id=principal.organisation_id).order_by("id")


async def endpoint(principal: Principal, endpoint_id: int) -> WebhookEndpoint:
    """One endpoint of the admin's organisation (NOT_FOUND otherwise)."""
    require_admin(principal)
    row = await WebhookEndpoint.get_or_none(
        id=endpoint_id, organisation_id=principal.organisation_id
    )
    if row is None:
        raise AccessDenied("NOT_FOUND")
    return row


async def update(
    principal: Principal,
    endpoint_id: int,
    *,
    name: str | None = UNCHANGED,
    url: str | None = UNCHANGED,
    event_types: Iterable[str] | None = UNCHANGED,
    scopes: Iterable[str] | None = UNCHANGED,
    enabled: bool | None = UNCHANGED,
) -> WebhookEndpoint:
    """Change what is given. Disabling fails what still waits; enabling again starts from
    the events recorded from then on (nothing of the time in between is sent)."""
    row = await endpoint(principal, endpoint_id)
    if name is not None:
        row.name = _name(name)
    if url is not None:
        row.url = _url(url)
    events = _events(row.event_types if event_types is None else event_types)
    chosen = _scopes(row.scopes if scopes is None else scopes, events)
    row.event_types, row.scopes = [e.value for e in events], [s.value for s in chosen]
    async with in_transaction() as conn:
        if enabled is False and row.disabled_at is None:
            row.disabled_at = clock.now()
            await (
                WebhookDelivery.filter(
                    endpoint_id=row.id,
                    status__in=[WebhookDeliveryStatus.PENDING, WebhookDeliveryStatus.SENDING],
                )
                .using_db(conn)
                .update(
                    status=WebhookDeliveryStatus.FAILED, claimed_until=None, last_error="disabled"
                )
            )
        elif enabled is True and row.disabled_at is not None:
            row.disabled_at = None
            row.start_after_event_id = await latest_event_id(principal.organisation_id)
        changed = ["name", "url", "event_types", "scopes", "disabled_at", "start_after_event_id"]
        await row.save(using_db=conn, update_fields=changed)  # never the secret: see rotate
    return row


async def rotate_secret(principal: Principal, endpoint_id: int) -> WithSecret:
    """A new secret, shown once; the old one stops signing at once."""
    row = await endpoint(principal, endpoint_id)
    secret = signing.new_secret()
    row.secret = signing.seal(secret)
    await row.save(update_fields=["secret"])
    return WithSecret(row, secret)


async def remove(principal: Principal, endpoint_id: int) -> bool:
    """Delete the endpoint and its log; False when the organisation has no such endpoint."""
    require_admin(principal)
    deleted = await WebhookEndpoint.filter(
        id=endpoint_id, organisation_id=principal.organisation_id
    ).delete()
    return bool(deleted)


async def deliveries(
    endpoint_row: WebhookEndpoint, first: int, before_id: int | None = None
) -> tuple[list[WebhookDelivery], bool]:
    """The endpoint's log, newest first: a page of `first` rows (after the row `before_id`)
    and whether there are more. The caller already checked the endpoint is the admin's."""
    query = WebhookDelivery.filter(endpoint_id=endpoint_row.id)
    if before_id is not None:
        query = query.filter(id__lt=before_id)
    rows = await query.order_by("-id").limit(first + 1)
    return rows[:first], len(rows) > first


async def redeliver(principal: Principal, delivery_id: int) -> WebhookDelivery:
    """Send a delivered or failed event once more, soon (a fresh series of attempts)."""
    require_admin(principal)
    row = await WebhookDelivery.get_or_none(
        id=delivery_id, organisation_id=principal.organisation_id
    )
    if row is None:
        raise AccessDenied("NOT_FOUND")
    if row.status in (WebhookDeliveryStatus.DELIVERED, WebhookDeliveryStatus.FAILED):
        await WebhookDelivery.filter(id=row.id, status=row.status).update(
            status=WebhookDeliveryStatus.PENDING, attempts=0, next_attempt_at=clock.now()
        )
        await row.refresh_from_db()
    return row
