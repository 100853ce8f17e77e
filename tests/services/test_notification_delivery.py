"""Delivery of notifications: real mail to a local SMTP server, real Web Push to a local
endpoint that checks VAPID and decrypts, settings, authors, tenants, retries, crashes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from models import (
    DeliveryChannel,
    DeliveryStatus,
    Guardianship,
    NotificationCursor,
    NotificationDelivery,
    NotificationItem,
    NotificationSetting,
    PushSubscription,
)
from services import auth, clock, messaging
from services.events import NullPublisher
from services.notifications import devices, dispatch
from tests import factories, notification_helpers
from tests.notification_helpers import parts

smtp = notification_helpers.smtp
push_service = notification_helpers.push_service

START = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture(autouse=True)
def moving_clock():
    now = [START]
    clock.set_clock(lambda: now[0])
    yield now
    clock.set_clock(None)


async def principal(user):
    return await auth.authenticate(await factories.token_for(user))


async def subscribe(user, service, name: str):
    device = service.device(name)
    await devices.register(
        await principal(user),
        endpoint=service.endpoint(device),
        p256dh=device.p256dh,
        auth=device.auth,
    )
    return device


async def want(user, item=NotificationItem.MESSAGE, *, push=True, email=True):
    await NotificationSetting.update_or_create(
        defaults={"push": push, "email": email}, user_id=user.id, item=item
    )


async def staff_writes_to_parent(t, body="Sam heeft goed gegeten"):
    return await messaging.start_conversation(
        await principal(t.staff), child_id=t.child.id, body=body, publisher=NullPublisher()
    )


async def test_a_message_reaches_the_parent_by_mail_and_push_and_not_its_author(
    db, smtp, push_service
):
    # given
    t = await factories.tenant()
    parent_device = await subscribe(t.parent, push_service, "parent")
    await subscribe(t.staff, push_service, "staff")
    await want(t.parent)
    await want(t.staff)
    # when
    await staff_writes_to_parent(t)
    outcome = await dispatch.run_once()
    # then: one mail and one push, both to the parent only
    assert outcome == {DeliveryStatus.SENT: 2}
    assert [m["To"] for m in smtp.messages] == [t.parent.email]
    mail = smtp.messages[0]
    assert mail["Subject"] == "Nieuw bericht"
    assert mail["From"] == "Ouderlink <no-reply@ouderlink.localhost>"
    text, html = parts(mail)
    assert "gesprek over Sam" in text and "/conversations/" in text
    assert "gesprek over Sam" in html and "<a href=" in html
    assert [r.path for r in push_service.received] == [parent_device.path]
    pushed = push_service.received[0]
    assert pushed.payload["title"] == "Nieuw bericht"
    assert "Sam" in pushed.payload["body"]
    assert pushed.payload["item"] == "message"
    assert pushed.vapid_ok
    assert pushed.claims["aud"] == push_service.base
    assert pushed.claims["sub"].startswith("mailto:")
    assert pushed.headers["content-encoding"] == "aes128gcm"
    assert int(pushed.headers["ttl"]) > 0


async def test_an_english_speaking_parent_gets_english_text(db, smtp):
    # given
    t = await factories.tenant()
    t.parent.locale = "en"
    await t.parent.save()
    await want(t.parent)
    # when
    await staff_writes_to_parent(t)
    await dispatch.run_once()
    # then
    text, _ = parts(smtp.to(t.parent.email)[0])
    assert smtp.messages[0]["Subject"] == "New message"
    assert "conversation about Sam" in text


async def test_nothing_is_sent_when_the_setting_is_off(db, smtp, push_service):
    # given
    t = await factories.tenant()
    await subscribe(t.parent, push_service, "parent")
    await want(t.parent, push=False, email=False)
    # when
    await staff_writes_to_parent(t)
    await dispatch.run_once()
    # then
    assert smtp.messages == [] and push_service.received == []
    assert await NotificationDelivery.filter(user_id=t.parent.id).count() == 0


async def test_by_default_a_message_is_pushed_but_not_mailed(db, smtp, push_service):
    # given: no settings at all
    t = await factories.tenant()
    await subscribe(t.parent, push_service, "parent")
    # when
    await staff_writes_to_parent(t)
    await dispatch.run_once()
    # then
    assert len(push_service.received) == 1
    assert smtp.messages == []


async def test_switching_off_after_the_event_still_stops_the_mail(db, smtp):
    # given: the delivery row exists, then the parent switches e-mail off
    t = await factories.tenant()
    await want(t.parent)
    await staff_writes_to_parent(t)
    await dispatch.fan_out_once()
    await want(t.parent, email=False)
    # when
    outcome = await dispatch.deliver_once()
    # then
    assert outcome == {DeliveryStatus.SKIPPED: 1}
    assert smtp.messages == []


async def test_another_tenants_user_is_never_notified(db, smtp):
    # given: a user of another organisation wrongly linked to this child
    t = await factories.tenant()
    other = await factories.tenant("zonnetje")
    await Guardianship.create(child=t.child, user=other.parent)
    await want(t.parent)
    await want(other.parent)
    # when
    await staff_writes_to_parent(t)
    await dispatch.run_once()
    # then
    assert [m["To"] for m in smtp.messages] == [t.parent.email]
    assert not await NotificationDelivery.filter(user_id=other.parent.id).exists()


async def test_a_parent_is_not_notified_of_their_own_message(db, smtp):
    # given
    t = await factories.tenant()
    await want(t.parent)
    await want(t.staff)
    # when: the parent writes to the group
    await messaging.start_conversation(
        await principal(t.parent), child_id=t.child.id, body="Hoi", publisher=NullPublisher()
    )
    await dispatch.run_once()
    # then: the staff member hears of it, the parent does not
    assert [m["To"] for m in smtp.messages] == [t.staff.email]


async def test_a_refusing_smtp_server_is_retried_with_backoff_and_nothing_is_lost(
    db, smtp, moving_clock
):
    # given: the server refuses the first two attempts with 451
    t = await factories.tenant()
    await want(t.parent)
    smtp.fail_next = 2
    await staff_writes_to_parent(t)
    # when: the first attempt
    first = await dispatch.run_once()
    row = await NotificationDelivery.get(user_id=t.parent.id)
    # then: pending again, due after the backoff
    assert first == {DeliveryStatus.PENDING: 1}
    assert row.status is DeliveryStatus.PENDING and row.attempts == 1
    assert "451" in row.last_error
    assert row.next_attempt_at == START + dispatch.backoff(1)
    # when: asked again before the backoff passed, nothing is tried
    assert await dispatch.deliver_once() == {}
    # when: after each backoff
    moving_clock[0] = START + dispatch.backoff(1)
    second = await dispatch.deliver_once()
    moving_clock[0] += dispatch.backoff(2)
    third = await dispatch.deliver_once()
    # then: the third attempt went through, exactly one mail arrived
    assert (second, third) == ({DeliveryStatus.PENDING: 1}, {DeliveryStatus.SENT: 1})
    assert smtp.refused == 2
    assert [m["To"] for m in smtp.messages] == [t.parent.email]
    row = await NotificationDelivery.get(id=row.id)
    assert row.status is DeliveryStatus.SENT and row.attempts == 3


async def test_after_the_last_attempt_the_delivery_is_marked_failed(
    db, smtp, moving_clock, monkeypatch
):
    # given
    monkeypatch.setattr(dispatch.settings, "NOTIFICATIONS_MAX_ATTEMPTS", 2)
    t = await factories.tenant()
    await want(t.parent)
    smtp.fail_next = 5
    await staff_writes_to_parent(t)
    # when
    await dispatch.run_once()
    moving_clock[0] += dispatch.backoff(1)
    outcome = await dispatch.deliver_once()
    moving_clock[0] += timedelta(days=1)
    # then
    assert outcome == {DeliveryStatus.FAILED: 1}
    assert await dispatch.deliver_once() == {}
    assert smtp.messages == []


async def test_a_crash_while_sending_is_repaired_after_the_claim_without_a_duplicate(
    db, smtp, moving_clock
):
    # given: a worker claimed the row and died before sending
    t = await factories.tenant()
    await want(t.parent)
    await staff_writes_to_parent(t)
    await dispatch.fan_out_once()
    row = await NotificationDelivery.get(user_id=t.parent.id)
    assert await dispatch.claim(row.id) is not None
    # when: another worker looks at once
    at_once = await dispatch.deliver_once()
    # then: the claim still holds
    assert at_once == {} and smtp.messages == []
    # when: after the claim ran out
    moving_clock[0] += timedelta(seconds=dispatch.settings.NOTIFICATIONS_CLAIM_SECONDS + 1)
    later = await dispatch.deliver_once()
    again = await dispatch.deliver_once()
    # then: sent once
    assert later == {DeliveryStatus.SENT: 1} and again == {}
    assert len(smtp.messages) == 1


async def test_reading_the_events_twice_never_makes_a_second_delivery(db, smtp):
    # given: the fan-out ran, then its cursor was lost (a crash before it was saved)
    t = await factories.tenant()
    await want(t.parent)
    await staff_writes_to_parent(t)
    await dispatch.fan_out_once()
    await NotificationCursor.all().update(last_event_id=0)
    # when
    await dispatch.fan_out_once()
    await dispatch.deliver_once()
    # then
    assert await NotificationDelivery.filter(user_id=t.parent.id).count() == 1
    assert len(smtp.messages) == 1


async def test_two_workers_at_once_send_each_mail_once(db, smtp):
    # given
    import asyncio

    t = await factories.tenant()
    await want(t.parent)
    await want(t.other_parent)
    await staff_writes_to_parent(t)
    await messaging.start_conversation(
        await principal(t.staff), child_id=t.other_child.id, body="Hoi", publisher=NullPublisher()
    )
    # when
    await asyncio.gather(dispatch.fan_out_once(), dispatch.fan_out_once())
    await asyncio.gather(dispatch.deliver_once(), dispatch.deliver_once())
    # then
    assert sorted(m["To"] for m in smtp.messages) == sorted([t.parent.email, t.other_parent.email])


async def test_a_gone_push_subscription_is_removed(db, push_service):
    # given
    t = await factories.tenant()
    device = await subscribe(t.parent, push_service, "old-phone")
    push_service.statuses[device.path] = [410]
    # when
    await staff_writes_to_parent(t)
    await dispatch.run_once()
    # then
    assert not await PushSubscription.filter(user_id=t.parent.id).exists()
    row = await NotificationDelivery.get(user_id=t.parent.id, channel=DeliveryChannel.PUSH)
    assert row.status is DeliveryStatus.SENT


async def test_a_failing_push_is_retried_only_for_the_device_that_failed(
    db, push_service, moving_clock
):
    # given: two devices, the push service of the second is down once
    t = await factories.tenant()
    phone = await subscribe(t.parent, push_service, "phone")
    laptop = await subscribe(t.parent, push_service, "laptop")
    push_service.statuses[laptop.path] = [503]
    await staff_writes_to_parent(t)
    # when
    first = await dispatch.run_once()
    moving_clock[0] += dispatch.backoff(1)
    second = await dispatch.deliver_once()
    # then: each device got it exactly once
    assert first == {DeliveryStatus.PENDING: 1} and second == {DeliveryStatus.SENT: 1}
    assert sorted(r.path for r in push_service.received) == sorted([phone.path, laptop.path])
