"""From the event log to signed POSTs, with the notification pipeline's design
(services.notifications.dispatch):

1. `fan_out_once`: per organisation with an enabled endpoint and new events, lock its cursor
   (`skip_locked` on PostgreSQL, so workers share the work), read the subscribed events
   after it, and write one `WebhookDelivery` per event and endpoint that wants it (unique
   per endpoint and event) together with the new cursor, in one transaction. An endpoint
   gets nothing from before it was registered (`start_after_event_id`).
2. `deliver_once`: claim due rows with an atomic conditional update (pending and due, or
   sending with an expired lease after a crash), POST them (a few at a time), and record
   status code, error and duration: delivered on 2xx, else pending again after an
   exponential backoff with jitter, failed after WEBHOOK_MAX_ATTEMPTS.

Receivers must expect the rare repeat (a crash after the POST, before the row was marked)
and deduplicate on `Ouderlink-Event-Id`; order between events is not guaranteed.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from datetime import timedelta

import aiohttp
from tortoise import connections
from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

import settings
from models import Event, WebhookCursor, WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint
from services import clock
from services.webhooks import addresses, payload, signing
from services.webhooks.catalogue import EVENT_TYPES, allowed

logger = logging.getLogger("ouderlink.webhooks")
MAX_BACKOFF = timedelta(hours=6)
JITTER = 0.2  # a retry comes up to a fifth earlier, so failed endpoints are not hit in step
CONCURRENCY = 8
USER_AGENT = f"Ouderlink-Webhooks/{settings.API_VERSION}"
Status = WebhookDeliveryStatus


# -- 1. fan-out ----------------------------------------------------------------------------


async def _organisations_with_new_events() -> list[int]:
    conn = connections.get("default")
    rows = await conn.execute_query_dict(
        "SELECT DISTINCT w.organisation_id AS org FROM webhook_endpoint w "
        "LEFT JOIN webhook_cursor c ON c.organisation_id = w.organisation_id "
        "WHERE w.disabled_at IS NULL AND EXISTS (SELECT 1 FROM event e "
        "WHERE e.organisation_id = w.organisation_id "
        "AND e.id > COALESCE(c.last_event_id, 0) AND e.id > w.start_after_event_id)"
    )
    return sorted(int(r["org"]) for r in rows)


def _rows_for(event: Event, endpoints: list[WebhookEndpoint]) -> list[WebhookDelivery]:
    return [
        WebhookDelivery(
            organisation_id=event.organisation_id,  # type: ignore[attr-defined]
            endpoint_id=endpoint.id,
            event_id=event.id,
            event_type=event.type,
            next_attempt_at=clock.now(),
        )
        for endpoint in endpoints
        if event.id > endpoint.start_after_event_id
        and allowed(event.type, endpoint.event_types, endpoint.scopes)
    ]


async def _fan_out_organisation(organisation_id: int, limit: int) -> int:
    await WebhookCursor.get_or_create(
        organisation_id=organisation_id, defaults={"last_event_id": 0}
    )
    async with in_transaction() as conn:
        query = WebhookCursor.filter(organisation_id=organisation_id).using_db(conn)
        if conn.capabilities.dialect == "postgres":
            query = query.select_for_update(skip_locked=True)
        cursor = await query.first()
        if cursor is None:  # another worker is on it
            return 0
        endpoints = await WebhookEndpoint.filter(
            organisation_id=organisation_id, disabled_at__isnull=True
        ).using_db(conn)
        if not endpoints:
            return 0
        after = max(cursor.last_event_id, min(e.start_after_event_id for e in endpoints))
        # Events of one organisation become visible in id order (services.events): every
        # event up to the newest visible one is here to read, so the cursor may move there.
        newest = await (
            Event.filter(organisation_id=organisation_id).using_db(conn).order_by("-id").first()
        )
        top = newest.id if newest else after
        types = sorted({t for e in endpoints for t in e.event_types} & EVENT_TYPES)
        events = (
            await Event.filter(
                organisation_id=organisation_id, id__gt=after, id__lte=top, type__in=types
            )
            .order_by("id")
            .limit(limit)
            .using_db(conn)
        )
        rows = [row for event in events for row in _rows_for(event, endpoints)]
        if rows:
            await WebhookDelivery.bulk_create(rows, ignore_conflicts=True, using_db=conn)
        moved_to = events[-1].id if len(events) == limit else top
        if moved_to > cursor.last_event_id:
            await (
                WebhookCursor.filter(id=cursor.id)
                .using_db(conn)
                .update(last_event_id=moved_to, updated_at=clock.now())
            )
    return len(rows)


async def fan_out_once(limit: int = 200) -> int:
    """Turn new events into delivery rows for every organisation; the number of rows."""
    total = 0
    for organisation_id in await _organisations_with_new_events():
        total += await _fan_out_organisation(organisation_id, limit)
    return total


# -- 2. delivery -----------------------------------------------------------------------------


def _due(now) -> Q:
    return Q(status=Status.PENDING, next_attempt_at__lte=now) | Q(
        status=Status.SENDING, claimed_until__lt=now
    )


def backoff(attempts: int, spread: float | None = None) -> timedelta:
    """After attempt n: base * 2^(n-1) (30 s, 1 min, 2 min...; at most 6 hours), less a random
    part of up to JITTER of it (`spread` 0..1 fixes that part; 0 gives the longest wait)."""
    full = settings.WEBHOOK_RETRY_BASE_SECONDS * (2 ** max(attempts - 1, 0))
    full = min(full, MAX_BACKOFF.total_seconds())
    part = random.random() if spread is None else spread
    return timedelta(seconds=full * (1 - JITTER * part))


async def claim(delivery_id: int) -> WebhookDelivery | None:
    """Lease one due row for this worker, or None when another worker was first."""
    now = clock.now()
    taken = await WebhookDelivery.filter(_due(now), id=delivery_id).update(
        status=Status.SENDING,
        claimed_until=now + timedelta(seconds=settings.WEBHOOK_CLAIM_SECONDS),
        attempts=F("attempts") + 1,
    )
    return await WebhookDelivery.get(id=delivery_id) if taken else None


class _GiveUp(Exception):
    """This delivery cannot succeed any more (endpoint disabled or unsubscribed, secret lost)."""


async def _request(row: WebhookDelivery) -> tuple[WebhookEndpoint, bytes, dict[str, str]]:
    endpoint = await WebhookEndpoint.get_or_none(id=row.endpoint_id)  # type: ignore[attr-defined]
    if endpoint is None or endpoint.disabled_at is not None:
        raise _GiveUp("endpoint disabled")
    if not allowed(row.event_type, endpoint.event_types, endpoint.scopes):
        raise _GiveUp("endpoint no longer subscribed to this event type")
    secret = signing.unseal(endpoint.secret)
    if secret is None:
        raise _GiveUp("signing secret cannot be opened (SECRET_KEY changed): rotate it")
    problem = addresses.host_problem(endpoint.url)
    if problem:
        raise _GiveUp(problem)
    event = await Event.get(id=row.event_id)  # type: ignore[attr-defined]
    body = payload.encode(await payload.build(event, endpoint.scopes))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        signing.HEADER: signing.header(secret, int(clock.now().timestamp()), body),
        "Ouderlink-Event-Id": str(event.id),
        "Ouderlink-Event-Type": event.type,
        "Ouderlink-Delivery-Id": str(row.id),
    }
    return endpoint, body, headers


async def _post(
    session: aiohttp.ClientSession, url: str, body: bytes, headers: dict[str, str]
) -> tuple[int | None, str]:
    """(status code, error): never raises for what the network or the receiver does."""
    try:
        async with session.post(url, data=body, headers=headers, allow_redirects=False) as resp:
            await resp.content.read(4096)  # a little of the answer; the rest is dropped
            if 200 <= resp.status < 300:
                return resp.status, ""
            return resp.status, f"HTTP {resp.status}"
    except TimeoutError:
        return None, f"timed out after {settings.WEBHOOK_TIMEOUT_SECONDS:g} s"
    except (aiohttp.ClientError, OSError) as exc:
        return None, f"{type(exc).__name__}: {exc}"[:1000]


async def deliver(row: WebhookDelivery, session: aiohttp.ClientSession) -> Status:
    """Send one claimed row and record the outcome."""
    try:
        endpoint, body, headers = await _request(row)
    except _GiveUp as reason:
        await _update(row, status=Status.FAILED, last_error=str(reason))
        return Status.FAILED
    started = time.perf_counter()
    code, error = await _post(session, endpoint.url, body, headers)
    measured = {"last_status_code": code, "last_duration_ms": _ms_since(started)}
    if not error:
        await _update(row, status=Status.DELIVERED, delivered_at=clock.now(), **measured)
        return Status.DELIVERED
    if row.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        await _update(row, status=Status.FAILED, last_error=error, **measured)
        logger.warning("webhook delivery %s failed for good: %s", row.id, error)
        return Status.FAILED
    retry_at = clock.now() + backoff(row.attempts)
    await _update(
        row, status=Status.PENDING, next_attempt_at=retry_at, last_error=error, **measured
    )
    return Status.PENDING


def _ms_since(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)


async def _update(row: WebhookDelivery, **values) -> None:
    # Only while this worker still holds the lease it took (same attempt number).
    await WebhookDelivery.filter(id=row.id, attempts=row.attempts).update(
        claimed_until=None, **values
    )


def session() -> aiohttp.ClientSession:
    """The HTTP client of one round: timeouts, no redirects followed, public hosts only."""
    resolver = None if settings.WEBHOOK_ALLOW_INSECURE_LOCALHOST else addresses.PublicOnlyResolver()
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(resolver=resolver, limit=CONCURRENCY),
        timeout=aiohttp.ClientTimeout(total=settings.WEBHOOK_TIMEOUT_SECONDS),
        trust_env=False,
    )


async def deliver_once(limit: int = 100) -> dict[Status, int]:
    """Send what is due now, a few at a time; counts per outcome."""
    ids = (
        await WebhookDelivery.filter(_due(clock.now()))
        .order_by("next_attempt_at", "id")
        .limit(limit)
        .values_list("id", flat=True)
    )
    outcome: dict[Status, int] = {}
    if not ids:
        return outcome
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(delivery_id: int, http: aiohttp.ClientSession) -> None:
        async with gate:
            row = await claim(delivery_id)
            if row is None:
                return
            status = await deliver(row, http)
            outcome[status] = outcome.get(status, 0) + 1

    async with session() as http:
        await asyncio.gather(*(one(i, http) for i in ids))
    return outcome


async def run_once() -> dict[Status, int]:
    """One round: fan out new events, then send what is due."""
    await fan_out_once()
    return await deliver_once()
