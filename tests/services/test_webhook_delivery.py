"""Webhook delivery to a real local HTTP server: signed, retried with backoff, logged, and
limited to what the endpoint's scopes allow."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

import settings
from models import AbsenceReason, Event, WebhookDelivery, WebhookDeliveryStatus
from services import news
from services.absences import report_absence
from services.day_requests import DaySpec, request_days
from services.webhooks import dispatch, endpoints, signing
from tests import factories, webhook_helpers
from tests.agenda_helpers import MONDAY, WEDNESDAY, credit_type, hhmm, principal_of, purchase
from tests.webhook_helpers import MovingClock, admin_of, register

receiver = webhook_helpers.receiver
idle_receiver = webhook_helpers.idle_receiver
Status = WebhookDeliveryStatus
NEXT_WEDNESDAY = WEDNESDAY + timedelta(days=7)


@pytest.fixture
def moving_clock(db):
    return MovingClock()


async def request_a_day(t, credit=None, weeks_later=0):
    on = NEXT_WEDNESDAY + timedelta(days=7 * weeks_later)
    spec = DaySpec(t.child.id, on, hhmm("07:00"), hhmm("18:30"), credit)
    return await request_days(await principal_of(t.parent), [spec])


async def test_a_day_request_is_posted_signed_with_the_secret_shown_once(moving_clock, receiver):
    # given
    t = await factories.tenant()
    admin = await admin_of(t.org)
    created = await register(admin, receiver.url())
    # when
    outcome = await request_a_day(t)
    counts = await dispatch.run_once()
    # then
    assert counts == {Status.DELIVERED: 1}
    [hit] = receiver.received
    assert hit.signed_with(created.secret)
    assert not hit.signed_with(signing.new_secret())
    event = await Event.get(type="day_request.created")
    assert hit.headers["ouderlink-event-id"] == str(event.id)
    assert hit.headers["ouderlink-event-type"] == "day_request.created"
    assert hit.headers["content-type"] == "application/json"
    document = hit.document
    assert document["id"] == str(event.id)
    assert document["type"] == "day_request.created"
    assert document["organisation"] == {"id": endpoints_gid("Organisation", t.org.id)}
    day = outcome.days[0].day
    assert document["data"] == {
        "requestId": endpoints_gid("DayRequest", outcome.request.id),
        "days": [
            {
                "id": endpoints_gid("RequestedDay", day.id),
                "childId": endpoints_gid("Child", t.child.id),
                "date": NEXT_WEDNESDAY.isoformat(),
                "startTime": "07:00",
                "endTime": "18:30",
                "kind": "extra",
                "status": "requested",
            }
        ],
    }
    row = await WebhookDelivery.get(endpoint_id=created.endpoint.id)
    assert (row.status, row.attempts, row.last_status_code) == (Status.DELIVERED, 1, 204)
    assert row.delivered_at == moving_clock.now and row.last_duration_ms is not None


def endpoints_gid(type_name: str, pk: int) -> str:
    from schema.ids import to_global_id

    return to_global_id(type_name, pk)


async def test_the_payload_carries_no_personal_details(moving_clock, receiver):
    # given: names, e-mail addresses and a remark that must not leave the building
    t = await factories.tenant()
    admin = await admin_of(t.org)
    await register(
        admin,
        receiver.url(),
        events=("day_request.created", "absence.reported"),
        scopes=("requests", "occupancy", "credits"),
    )
    parent = await principal_of(t.parent)
    await request_days(
        parent,
        [DaySpec(t.child.id, NEXT_WEDNESDAY, hhmm("07:00"), hhmm("18:30"), None)],
        remark="Opa is jarig",
    )
    await report_absence(
        parent, t.child.id, MONDAY, MONDAY, AbsenceReason.SICK, remark="Koorts en waterpokken"
    )
    # when
    await dispatch.run_once()
    # then
    assert len(receiver.delivered()) == 2
    for hit in receiver.received:
        text = hit.body.decode()
        for secret in (
            t.child.first_name,
            t.child.last_name,
            t.parent.first_name,
            t.parent.email,
            "Opa",
            "Koorts",
            "sick",
        ):
            assert secret not in text, secret


async def test_an_endpoint_that_fails_is_retried_with_backoff_until_it_recovers(
    moving_clock, receiver
):
    # given: the endpoint answers 500 once
    t = await factories.tenant()
    created = await register(await admin_of(t.org), receiver.url())
    receiver.statuses = [500]
    await request_a_day(t)
    # when
    first = await dispatch.run_once()
    # then: pending again, due after the backoff (with jitter: at most a fifth earlier)
    assert first == {Status.PENDING: 1}
    row = await WebhookDelivery.get(endpoint_id=created.endpoint.id)
    assert (row.status, row.attempts, row.last_status_code, row.last_error) == (
        Status.PENDING,
        1,
        500,
        "HTTP 500",
    )
    start = moving_clock.now
    assert start + dispatch.backoff(1, 1) <= row.next_attempt_at <= start + dispatch.backoff(1, 0)
    # when: asked again before the backoff passed, nothing is tried
    assert await dispatch.run_once() == {}
    assert len(receiver.received) == 1
    # when: after the backoff
    moving_clock.advance(dispatch.backoff(1, 0))
    assert await dispatch.run_once() == {Status.DELIVERED: 1}
    # then: two attempts, both signed, the same event; the log shows them
    assert [r.status for r in receiver.received] == [500, 204]
    assert all(r.signed_with(created.secret) for r in receiver.received)
    assert len({r.headers["ouderlink-event-id"] for r in receiver.received}) == 1
    assert receiver.received[0].body == receiver.received[1].body
    row = await WebhookDelivery.get(id=row.id)
    assert (row.status, row.attempts, row.last_status_code) == (Status.DELIVERED, 2, 204)
    assert row.last_error == "HTTP 500"  # the failed attempt stays visible


async def test_an_endpoint_that_is_down_gets_the_event_when_it_is_back(moving_clock, idle_receiver):
    # given: nothing listens on the endpoint's port
    t = await factories.tenant()
    created = await register(await admin_of(t.org), idle_receiver.url())
    await request_a_day(t)
    # when
    assert await dispatch.run_once() == {Status.PENDING: 1}
    row = await WebhookDelivery.get(endpoint_id=created.endpoint.id)
    assert row.last_status_code is None and "Connect" in row.last_error
    # when: it comes back, and the backoff passed
    await idle_receiver.start()
    moving_clock.advance(dispatch.backoff(1, 0))
    assert await dispatch.run_once() == {Status.DELIVERED: 1}
    # then
    [hit] = idle_receiver.received
    assert hit.signed_with(created.secret)
    assert (await WebhookDelivery.get(id=row.id)).attempts == 2


async def test_after_the_last_attempt_the_delivery_is_marked_failed(
    moving_clock, receiver, monkeypatch
):
    # given
    monkeypatch.setattr(settings, "WEBHOOK_MAX_ATTEMPTS", 2)
    t = await factories.tenant()
    await register(await admin_of(t.org), receiver.url())
    receiver.statuses = [503, 503, 503]
    await request_a_day(t)
    # when
    await dispatch.run_once()
    moving_clock.advance(dispatch.backoff(1, 0))
    await dispatch.run_once()
    moving_clock.advance(timedelta(days=1))
    # then: no third attempt
    assert await dispatch.run_once() == {}
    row = await WebhookDelivery.get()
    assert (row.status, row.attempts, row.last_error) == (Status.FAILED, 2, "HTTP 503")
    assert len(receiver.received) == 2


async def test_a_crash_while_sending_is_repaired_after_the_lease(moving_clock, receiver):
    # given: a worker claimed the row and died before sending
    t = await factories.tenant()
    await register(await admin_of(t.org), receiver.url())
    await request_a_day(t)
    await dispatch.fan_out_once()
    row = await WebhookDelivery.get()
    assert await dispatch.claim(row.id) is not None
    # when: within the lease nothing happens, after it the row is sent
    assert await dispatch.deliver_once() == {}
    moving_clock.advance(timedelta(seconds=settings.WEBHOOK_CLAIM_SECONDS + 1))
    assert await dispatch.deliver_once() == {Status.DELIVERED: 1}
    # then
    assert len(receiver.received) == 1
    assert (await WebhookDelivery.get(id=row.id)).attempts == 2


async def test_events_from_before_the_registration_are_not_delivered(moving_clock, receiver):
    # given: a request before the endpoint existed, one after
    t = await factories.tenant()
    before = await request_a_day(t)
    await register(await admin_of(t.org), receiver.url())
    after = await request_a_day(t, weeks_later=1)
    # when
    await dispatch.run_once()
    # then
    assert [r.document["data"]["requestId"] for r in receiver.received] == [
        endpoints_gid("DayRequest", after.request.id)
    ]
    assert before.request.id != after.request.id


async def test_scopes_limit_the_payload(moving_clock, receiver):
    # given: one endpoint sees requests only, another also occupancy and credits
    t = await factories.tenant()
    admin = await admin_of(t.org)
    narrow = await register(admin, receiver.url("/narrow"))
    wide = await register(admin, receiver.url("/wide"), scopes=("requests", "occupancy", "credits"))
    kdv = await credit_type(t.org)
    await purchase(t.child, kdv, 20)
    await request_a_day(t, credit=kdv.id)
    # when
    assert await dispatch.run_once() == {Status.DELIVERED: 2}
    # then
    by_path = {r.path: r for r in receiver.received}
    narrow_day = by_path["/narrow"].document["data"]["days"][0]
    wide_day = by_path["/wide"].document["data"]["days"][0]
    assert by_path["/narrow"].signed_with(narrow.secret)
    assert by_path["/wide"].signed_with(wide.secret)
    assert not by_path["/wide"].signed_with(narrow.secret)
    assert {"groupId", "locationId", "creditTypeId", "chargeOnInvoice"}.isdisjoint(narrow_day)
    assert wide_day["groupId"] == endpoints_gid("Group", t.babies.id)
    assert wide_day["locationId"] == endpoints_gid("Location", t.location.id)
    assert wide_day["creditTypeId"] == endpoints_gid("CreditType", kdv.id)
    assert wide_day["chargeOnInvoice"] is False


async def test_only_subscribed_event_types_are_sent(moving_clock, receiver):
    # given: subscribed to absences and news, not to requests
    t = await factories.tenant()
    admin = await admin_of(t.org)
    await register(
        admin,
        receiver.url(),
        events=("absence.reported", "news.published"),
        scopes=("occupancy", "news"),
    )
    await request_a_day(t)
    absences = await report_absence(
        await principal_of(t.parent), t.child.id, MONDAY, MONDAY, AbsenceReason.SICK
    )
    planner = await principal_of(t.planner)
    item = await news.publish(planner, title="Zomerfeest", body="Vrijdag is het zomerfeest")
    # when
    await dispatch.run_once()
    # then (sent side by side: in any order)
    hits = sorted(receiver.received, key=lambda r: int(r.headers["ouderlink-event-id"]))
    assert [r.document["type"] for r in hits] == ["absence.reported", "news.published"]
    absence, published = (r.document["data"] for r in hits)
    assert absence == {
        "childId": endpoints_gid("Child", t.child.id),
        "absences": [
            {
                "id": endpoints_gid("Absence", absences[0].id),
                "date": MONDAY.isoformat(),
                "dayPart": "whole_day",
                "groupId": endpoints_gid("Group", t.babies.id),
                "locationId": endpoints_gid("Location", t.location.id),
            }
        ],
    }
    assert published["newsItemId"] == endpoints_gid("NewsItem", item.id)
    assert published["locationId"] is None
    assert "Zomerfeest" not in hits[1].body.decode()


async def test_another_organisations_events_never_reach_an_endpoint(moving_clock, receiver):
    # given
    t = await factories.tenant()
    other = await factories.tenant("zonnestraal")
    await register(await admin_of(t.org), receiver.url())
    # when
    await request_a_day(other)
    await dispatch.run_once()
    # then
    assert receiver.received == []
    assert await WebhookDelivery.all().count() == 0


async def test_a_disabled_endpoint_gets_nothing_and_what_waited_fails(moving_clock, receiver):
    # given: a delivery waiting for its retry
    t = await factories.tenant()
    admin = await admin_of(t.org)
    created = await register(admin, receiver.url())
    receiver.statuses = [500]
    await request_a_day(t)
    await dispatch.run_once()
    # when
    await endpoints.update(admin, created.endpoint.id, enabled=False)
    await request_a_day(t, weeks_later=1)
    moving_clock.advance(timedelta(hours=1))
    await dispatch.run_once()
    # then
    assert len(receiver.received) == 1
    row = await WebhookDelivery.get()
    assert (row.status, row.last_error) == (Status.FAILED, "disabled")


async def test_enabling_again_starts_from_then(moving_clock, receiver):
    # given: a request while the endpoint was disabled
    t = await factories.tenant()
    admin = await admin_of(t.org)
    created = await register(admin, receiver.url())
    await endpoints.update(admin, created.endpoint.id, enabled=False)
    await request_a_day(t)
    await dispatch.run_once()
    # when
    await endpoints.update(admin, created.endpoint.id, enabled=True)
    later = await request_a_day(t, weeks_later=1)
    await dispatch.run_once()
    # then
    assert [r.document["data"]["requestId"] for r in receiver.received] == [
        endpoints_gid("DayRequest", later.request.id)
    ]


async def test_two_workers_at_once_send_each_event_once(moving_clock, receiver):
    # given
    t = await factories.tenant()
    await register(await admin_of(t.org), receiver.url())
    for week in range(3):
        await request_a_day(t, weeks_later=week)
    # when
    await asyncio.gather(dispatch.run_once(), dispatch.run_once())
    await dispatch.run_once()
    # then
    ids = [r.headers["ouderlink-event-id"] for r in receiver.received]
    assert len(ids) == 3 and len(set(ids)) == 3
    assert await WebhookDelivery.filter(status=Status.DELIVERED).count() == 3


async def test_reading_the_events_twice_never_makes_a_second_delivery(moving_clock, receiver):
    # given
    t = await factories.tenant()
    await register(await admin_of(t.org), receiver.url())
    await request_a_day(t)
    await dispatch.fan_out_once()
    # when: the cursor is set back (a crash before its commit)
    from models import WebhookCursor

    await WebhookCursor.all().update(last_event_id=0)
    await dispatch.fan_out_once()
    # then
    assert await WebhookDelivery.all().count() == 1


async def test_in_production_a_private_address_is_never_called(moving_clock, receiver, monkeypatch):
    # given: registered in development, then run with production settings
    t = await factories.tenant()
    await register(await admin_of(t.org), receiver.url())
    monkeypatch.setattr(settings, "WEBHOOK_ALLOW_INSECURE_LOCALHOST", False)
    await request_a_day(t)
    # when
    assert await dispatch.run_once() == {Status.FAILED: 1}
    # then
    assert receiver.received == []
    row = await WebhookDelivery.get()
    assert "not a public address" in row.last_error


async def test_a_failed_delivery_can_be_sent_again(moving_clock, receiver, monkeypatch):
    # given
    monkeypatch.setattr(settings, "WEBHOOK_MAX_ATTEMPTS", 1)
    t = await factories.tenant()
    admin = await admin_of(t.org)
    created = await register(admin, receiver.url())
    receiver.statuses = [500]
    await request_a_day(t)
    assert await dispatch.run_once() == {Status.FAILED: 1}
    row = await WebhookDelivery.get()
    # when
    again = await endpoints.redeliver(admin, row.id)
    # then
    assert again.status is Status.PENDING
    assert await dispatch.run_once() == {Status.DELIVERED: 1}
    assert [r.status for r in receiver.received] == [500, 204]
    assert receiver.received[1].signed_with(created.secret)


async def test_a_slow_endpoint_times_out_and_is_tried_again(moving_clock, receiver, monkeypatch):
    # given: the first answer comes after the timeout
    monkeypatch.setattr(settings, "WEBHOOK_TIMEOUT_SECONDS", 0.3)
    t = await factories.tenant()
    await register(await admin_of(t.org), receiver.url())
    receiver.delays = [2.0]
    await request_a_day(t)
    # when
    assert await dispatch.run_once() == {Status.PENDING: 1}
    row = await WebhookDelivery.get()
    assert (row.last_status_code, row.last_error) == (None, "timed out after 0.3 s")
    moving_clock.advance(dispatch.backoff(1, 0))
    # then
    assert await dispatch.run_once() == {Status.DELIVERED: 1}


async def test_a_redirect_is_not_followed(moving_clock, receiver):
    # given
    t = await factories.tenant()
    await register(await admin_of(t.org), receiver.url())
    receiver.statuses = [302]
    await request_a_day(t)
    # when
    assert await dispatch.run_once() == {Status.PENDING: 1}
    # then: the address it pointed to was not called
    assert [r.path for r in receiver.received] == ["/hook"]
    assert (await WebhookDelivery.get()).last_error == "HTTP 302"
