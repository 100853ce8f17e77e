"""The delivery pipeline: from the event log to sent mails and pushes.

1. `fan_out_once`: per organisation, read the events after its cursor (under a row lock on
   PostgreSQL, `skip_locked` so two workers share the work), ask the registry who is to be
   told, keep the active members of that organisation without the actor, apply their
   settings and write one `NotificationDelivery` per user and channel (unique per event,
   user and channel) together with the new cursor, in one transaction. Event ids of one
   organisation become visible in id order (see services.events), so the cursor skips none.
2. `deliver_once`: claim due rows one by one with an atomic conditional update (pending and
   due, or sending with an expired claim after a crash), send, and mark them sent, or
   pending again with exponential backoff, or failed after the last attempt.

A crash before the commit of step 1 repeats the fan-out (the unique key drops duplicates);
a crash while sending leaves the row claimed until `claimed_until`, then it is sent again.
Push retries skip devices that already accepted the message (`done_endpoints`), mails carry
a stable Message-ID, pushes a Topic, so even that rare repeat is collapsed by the receiver.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from tortoise import connections
from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

import settings
from models import (
    DeliveryChannel,
    DeliveryStatus,
    Event,
    NotificationCursor,
    NotificationDelivery,
    PushSubscription,
    User,
)
from services import clock
from services.notifications import email, push, sealed, templates
from services.notifications import recipients as who
from services.notifications import settings as choices
from services.notifications.registry import HANDLERS

logger = logging.getLogger("ouderlink.notifications")
MAX_BACKOFF = timedelta(hours=6)


# -- 1. fan-out ----------------------------------------------------------------------------


async def _organisations_with_new_events() -> list[int]:
    conn = connections.get("default")
    rows = await conn.execute_query_dict(
        "SELECT e.organisation_id AS org FROM event e "
        "LEFT JOIN notification_cursor c ON c.organisation_id = e.organisation_id "
        "WHERE e.id > COALESCE(c.last_event_id, 0) GROUP BY e.organisation_id"
    )
    return sorted(int(r["org"]) for r in rows)


async def _ensure_cursor(organisation_id: int) -> None:
    if not await NotificationCursor.filter(organisation_id=organisation_id).exists():
        try:
            await NotificationCursor.create(organisation_id=organisation_id, last_event_id=0)
        except Exception:  # another worker created it at the same moment
            if not await NotificationCursor.filter(organisation_id=organisation_id).exists():
                raise


async def deliveries_for(event: Event) -> list[NotificationDelivery]:
    """The delivery rows an event asks for (not yet saved)."""
    handler = HANDLERS.get(event.type)
    if handler is None:
        return []
    notice = await handler(event)
    if notice is None:
        return []
    org = event.organisation_id  # type: ignore[attr-defined]
    users = await who.active_members(org, notice.recipients - {notice.actor_id})
    if not users:
        return []
    wanted = await choices.choices_for(u.id for u in users)
    with_devices = set(
        await PushSubscription.filter(user_id__in=[u.id for u in users]).values_list(
            "user_id", flat=True
        )
    )
    data = {"item": notice.item.value, "params": notice.params, "path": notice.path}
    now = clock.now()
    rows = []
    for user in users:
        choice = wanted[user.id][notice.item]
        channels = []
        if choice.email and user.email:
            channels.append(DeliveryChannel.EMAIL)
        if choice.push and user.id in with_devices:
            channels.append(DeliveryChannel.PUSH)
        rows += [
            NotificationDelivery(
                organisation_id=org,
                event_id=event.id,
                user_id=user.id,
                channel=channel,
                kind=event.type,
                data=data,
                next_attempt_at=now,
            )
            for channel in channels
        ]
    return rows


async def _fan_out_organisation(organisation_id: int, limit: int) -> int:
    await _ensure_cursor(organisation_id)
    async with in_transaction() as conn:
        query = NotificationCursor.filter(organisation_id=organisation_id).using_db(conn)
        if conn.capabilities.dialect == "postgres":
            query = query.select_for_update(skip_locked=True)
        cursor = await query.first()
        if cursor is None:  # another worker is on it
            return 0
        events = (
            await Event.filter(organisation_id=organisation_id, id__gt=cursor.last_event_id)
            .order_by("id")
            .limit(limit)
            .using_db(conn)
        )
        rows: list[NotificationDelivery] = []
        for event in events:
            try:
                rows += await deliveries_for(event)
            except Exception:  # one broken handler must not stop every later notification
                logger.exception("notifications: event %s (%s) skipped", event.id, event.type)
        if rows:
            await NotificationDelivery.bulk_create(rows, ignore_conflicts=True, using_db=conn)
        if events:
            await (
                NotificationCursor.filter(id=cursor.id)
                .using_db(conn)
                .update(last_event_id=events[-1].id, updated_at=clock.now())
            )
    return len(events)


async def fan_out_once(limit: int = 200) -> int:
    """Turn new events of every organisation into delivery rows; the number of events read."""
    total = 0
    for organisation_id in await _organisations_with_new_events():
        total += await _fan_out_organisation(organisation_id, limit)
    return total


# -- mails that are not about an event -----------------------------------------------------


async def enqueue_mail(
    user: User, kind: str, params: dict[str, str], path: str, secret: str = "", conn=None
) -> NotificationDelivery:
    """Queue a mail (invitation, password reset) whose link ends in `secret`, kept sealed."""
    return await NotificationDelivery.create(
        organisation_id=user.organisation_id,  # type: ignore[attr-defined]
        user_id=user.id,
        channel=DeliveryChannel.EMAIL,
        kind=kind,
        data={"params": params, "path": path},
        secret=sealed.seal(secret) if secret else "",
        next_attempt_at=clock.now(),
        using_db=conn,
    )


# -- 2. delivery -----------------------------------------------------------------------------


class _Skip(Exception):
    """Nothing to send any more (setting switched off, account gone)."""


def _due(now) -> Q:
    return Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=DeliveryStatus.SENDING, claimed_until__lt=now
    )


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min... (base NOTIFICATIONS_RETRY_BASE_SECONDS), at most 6 hours."""
    seconds = settings.NOTIFICATIONS_RETRY_BASE_SECONDS * (2 ** max(attempts - 1, 0))
    return min(timedelta(seconds=seconds), MAX_BACKOFF)


async def claim(delivery_id: int) -> NotificationDelivery | None:
    """Take one due row for this worker, or None when another worker was first."""
    now = clock.now()
    taken = await NotificationDelivery.filter(_due(now), id=delivery_id).update(
        status=DeliveryStatus.SENDING,
        claimed_until=now + timedelta(seconds=settings.NOTIFICATIONS_CLAIM_SECONDS),
        attempts=F("attempts") + 1,
    )
    return await NotificationDelivery.get(id=delivery_id) if taken else None


def _rendered(row: NotificationDelivery, user: User) -> templates.Rendered:
    data = row.data or {}
    path = str(data.get("path", "/"))
    if row.secret:
        token = sealed.unseal(row.secret)
        if token is None:
            raise _Skip("sealed link cannot be opened (SECRET_KEY changed)")
        path += token
    params = {str(k): str(v) for k, v in (data.get("params") or {}).items()}
    return templates.render(
        row.kind, user.locale, params, templates.link(path), name=user.first_name
    )


async def _still_wanted(row: NotificationDelivery) -> bool:
    if row.event_id is None:  # type: ignore[attr-defined]
        return True
    item = (row.data or {}).get("item")
    mine = (await choices.choices_for([row.user_id]))[row.user_id]  # type: ignore[attr-defined]
    choice = next((c for i, c in mine.items() if i.value == item), None)
    if choice is None:
        return False
    return choice.email if row.channel is DeliveryChannel.EMAIL else choice.push


async def _send_mail(row: NotificationDelivery, user: User) -> None:
    if not user.email:
        raise _Skip("no e-mail address")
    text = _rendered(row, user)
    message = email.build(
        user.email,
        text.title,
        text.text,
        text.html,
        message_id=f"<notification-{row.id}@ouderlink>",
    )
    await email.send(message)


async def _send_push(row: NotificationDelivery, user: User) -> None:
    devices = await PushSubscription.filter(user_id=user.id).order_by("id")
    done = set(row.done_endpoints or [])
    text = _rendered(row, user)
    payload = {
        "title": text.title,
        "body": text.body,
        "url": text.url,
        "item": (row.data or {}).get("item", row.kind),
        "tag": f"n{row.id}",
    }
    errors = []
    for device in devices:
        if device.endpoint_hash in done:
            continue
        try:
            await push.send(device, payload, topic=f"n{row.id}")
        except push.PushGone:
            await PushSubscription.filter(id=device.id).delete()
            continue
        except push.PushFailed as exc:
            errors.append(str(exc))
            continue
        done.add(device.endpoint_hash)
        await NotificationDelivery.filter(id=row.id).update(done_endpoints=sorted(done))
        await PushSubscription.filter(id=device.id).update(last_success_at=clock.now())
    if errors:
        raise push.PushFailed("; ".join(errors)[:1000])


async def _finish(row: NotificationDelivery, status: DeliveryStatus, error: str = "") -> None:
    now = clock.now()
    await NotificationDelivery.filter(id=row.id).update(
        status=status,
        sent_at=now if status is DeliveryStatus.SENT else None,
        claimed_until=None,
        last_error=error[:1000],
        secret="",
    )


async def deliver(row: NotificationDelivery) -> DeliveryStatus:
    """Send one claimed row and record the outcome."""
    user = await User.get_or_none(
        id=row.user_id,  # type: ignore[attr-defined]
        organisation_id=row.organisation_id,  # type: ignore[attr-defined]
        is_active=True,
    )
    try:
        if user is None:
            raise _Skip("account gone")
        if not await _still_wanted(row):
            raise _Skip("switched off in the settings")
        if row.channel is DeliveryChannel.EMAIL:
            await _send_mail(row, user)
        else:
            await _send_push(row, user)
    except _Skip as skip:
        await _finish(row, DeliveryStatus.SKIPPED, str(skip))
        return DeliveryStatus.SKIPPED
    except (email.MailFailed, push.PushFailed) as exc:
        if row.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
            await _finish(row, DeliveryStatus.FAILED, str(exc))
            logger.warning("notification %s failed for good: %s", row.id, exc)
            return DeliveryStatus.FAILED
        await NotificationDelivery.filter(id=row.id).update(
            status=DeliveryStatus.PENDING,
            claimed_until=None,
            next_attempt_at=clock.now() + backoff(row.attempts),
            last_error=str(exc)[:1000],
        )
        return DeliveryStatus.PENDING
    await _finish(row, DeliveryStatus.SENT)
    return DeliveryStatus.SENT


async def deliver_once(limit: int = 100) -> dict[DeliveryStatus, int]:
    """Send what is due now; counts per outcome."""
    ids = (
        await NotificationDelivery.filter(_due(clock.now()))
        .order_by("next_attempt_at", "id")
        .limit(limit)
        .values_list("id", flat=True)
    )
    outcome: dict[DeliveryStatus, int] = {}
    for delivery_id in ids:
        row = await claim(delivery_id)
        if row is None:
            continue
        status = await deliver(row)
        outcome[status] = outcome.get(status, 0) + 1
    return outcome


async def run_once() -> dict[DeliveryStatus, int]:
    """One round: fan out new events, then send what is due."""
    await fan_out_once()
    return await deliver_once()
