"""The per-process event feed (subscriptions.feed): one table read per wake-up for all
subscriptions of an organisation, each tap gets what matches it, once, in id order; and the
per-event work shared by the subscriptions of a process."""

from __future__ import annotations

import asyncio

from tortoise.transactions import in_transaction

import settings
from models import Session
from services import messaging
from services.events import DomainEvent, NullPublisher, StoredEvent, record
from services.message_audience import message_audience, message_audiences
from services.principal import Principal
from subscriptions import feed, hub
from subscriptions.outbox import Outbox
from tests import factories
from tests.sql_counter import count_sql

TIMEOUT = 10


def event(org_id: int, topic: str, kind: str = "test.happened", audience=()) -> DomainEvent:
    return DomainEvent(type=kind, topic=topic, organisation_id=org_id, audience=tuple(audience))


async def received(tap: feed.Tap, count: int) -> list[StoredEvent]:
    found: list[StoredEvent] = []
    async with asyncio.timeout(TIMEOUT):
        while len(found) < count:
            item = tap.next()
            if item is None:
                await tap.wait(1)
            else:
                found.append(item[0])
    return found


async def test_each_tap_gets_the_events_of_its_topics_and_types_once_in_order(db, app):
    # given two taps on one organisation's feed, on different topics and types
    t = await factories.tenant()
    session = 1
    children = await feed.tap(
        t.org.id, frozenset({"child:1"}), frozenset({"test.happened"}), session, lambda: None
    )
    groups = await feed.tap(
        t.org.id, frozenset({"group:2", "child:1"}), frozenset({"other"}), session, lambda: None
    )
    try:
        # when events are recorded and published: own topics, audiences and other types
        publisher = hub.publisher()
        stored = []
        for e in [
            event(t.org.id, "conversation:9", audience=["child:1", "group:2"]),
            event(t.org.id, "group:2", kind="other"),
            event(t.org.id, "child:3"),
            event(t.org.id, "child:1"),
            event(t.org.id, "child:1", kind="other"),
        ]:
            stored.append(await record(e))
            await publisher.publish(stored[-1])
        # then each tap gets exactly its own, in id order, and nothing else
        assert [e.id for e in await received(children, 2)] == [stored[0].id, stored[3].id]
        assert [e.id for e in await received(groups, 2)] == [stored[1].id, stored[4].id]
        await asyncio.sleep(0.2)
        assert children.next() is None and groups.next() is None
        assert children.position == groups.position == stored[-1].id
    finally:
        await children.close()
        await groups.close()


async def watched_tap(organisation_id: int) -> tuple[feed.Tap, list[bool]]:
    """A tap on child:1 for `test.happened`, and the list it appends to when told it is too
    slow."""
    too_slow: list[bool] = []
    tap = await feed.tap(
        organisation_id,
        frozenset({"child:1"}),
        frozenset({"test.happened"}),
        1,
        lambda: too_slow.append(True),
    )
    return tap, too_slow


async def test_a_tap_that_falls_behind_is_told_so(db, app, monkeypatch):
    # given a tap whose subscription does not take its events
    monkeypatch.setattr(settings, "BROADCAST_QUEUE_SIZE", 2)
    t = await factories.tenant()
    tap, too_slow = await watched_tap(t.org.id)
    try:
        # when three events arrive
        for _ in range(3):
            await hub.publisher().publish(await record(event(t.org.id, "child:1")))
        # then it is told once the third does not fit
        async with asyncio.timeout(TIMEOUT):
            while not too_slow:  # noqa: ASYNC110
                await asyncio.sleep(0.02)
        assert len(await received(tap, 2)) == 2
    finally:
        await tap.close()


async def test_a_rush_larger_than_the_queue_is_read_in_batches_that_fit_it(db, app, monkeypatch):
    # given a tap that takes its events as they come, with room for three
    monkeypatch.setattr(settings, "BROADCAST_QUEUE_SIZE", 3)
    t = await factories.tenant()
    tap, too_slow = await watched_tap(t.org.id)
    try:
        # when ten events are committed at once and the last one wakes the feed
        async with in_transaction() as conn:
            stored = [await record(event(t.org.id, "child:1"), conn) for _ in range(10)]
        await hub.publisher().publish(stored[-1])
        # then it gets all ten, in id order, and is never told it is too slow
        assert [e.id for e in await received(tap, 10)] == [e.id for e in stored]
        assert not too_slow
    finally:
        await tap.close()


class RecordingSink:
    """Stands where a direct delivery (subscriptions.direct.Delivery) sits on a tap: what the
    feed's pipeline loads for it per batch, and what it is handed, in order."""

    def __init__(self) -> None:
        self.shared_batches: list[list[int]] = []
        self.sent: list[int] = []  # the events it made a frame of
        self.written: list[str] = []  # the frames its socket took
        self.outbox = Outbox(self._refused, 100, self._refused, self._write, self._write_many)
        from subscriptions.direct import DirectForm  # (imported with the schema, not before)
        from subscriptions.projection import Projection

        self.form = DirectForm(
            share=self.share, allows=lambda shared, principal: True, root=None, prepared={}
        )
        self.projection = Projection("recorded", lambda value: value)

    async def share(
        self, organisation_id: int, events: list[StoredEvent], kept: dict, uses: frozenset[str]
    ) -> dict[int, int]:
        self.shared_batches.append([e.id for e in events])
        await asyncio.sleep(0.01)  # (the next batch is read meanwhile)
        return {e.id: e.id for e in events}

    def frame(self, event: StoredEvent, shared, rendered) -> str:
        assert shared == event.id
        self.sent.append(event.id)
        return str(event.id)

    def _write(self, text: str) -> bool:
        self.written.append(text)
        return True

    def _write_many(self, texts: list[str]) -> bool:
        self.written += texts
        return True

    def _refused(self, *args) -> None:
        raise AssertionError("the socket takes every frame")

    def end_session(self, reason: str) -> None:
        raise AssertionError(reason)

    def fail(self) -> None:
        raise AssertionError("failed")


async def test_a_burst_longer_than_a_batch_is_sent_in_order_once_batch_by_batch(
    db, app, monkeypatch
):
    # given a direct receiver on a feed that reads three events at a time
    monkeypatch.setattr(feed, "_MAX_READ_BATCH", 3)
    t = await factories.tenant()
    await factories.token_for(t.parent)
    session = await Session.filter(user_id=t.parent.id).first()
    tap = await feed.tap(
        t.org.id, frozenset({"child:1"}), frozenset({"test.happened"}), session.id, lambda: None
    )
    sink = tap.sink = RecordingSink()
    try:
        # when ten events are committed at once and the last one wakes the feed
        async with in_transaction() as conn:
            stored = [await record(event(t.org.id, "child:1"), conn) for _ in range(10)]
        await hub.publisher().publish(stored[-1])
        # then it gets all ten in id order, once, loaded three at a time
        for _ in range(TIMEOUT * 100):
            if len(sink.sent) >= 10:
                break
            await asyncio.sleep(0.01)
        ids = [e.id for e in stored]
        assert sink.sent == ids
        assert sink.written == [str(i) for i in ids]
        assert sink.shared_batches == [ids[0:3], ids[3:6], ids[6:9], ids[9:]]
    finally:
        tap.sink = None
        await tap.close()


async def test_the_feed_stops_when_its_last_tap_leaves(db, app):
    # given a feed with one tap
    t = await factories.tenant()
    tap = await feed.tap(t.org.id, frozenset({"child:1"}), frozenset({"x"}), 1, lambda: None)
    assert t.org.id in feed._feeds
    # when it leaves
    await tap.close()
    # then the feed is gone (and its broadcast subscription with it)
    assert t.org.id not in feed._feeds


async def test_who_may_read_many_messages_takes_as_many_statements_as_for_one(db):
    # given a tenant with conversations about four children
    t = await factories.tenant()
    ids = []
    for child, user in [
        (t.child, t.parent),
        (t.sibling, t.parent),
        (t.other_child, t.other_parent),
        (t.bso_child, t.other_parent),
    ]:
        principal = Principal(
            user_id=user.id, organisation_id=t.org.id, role=user.role, session_id=0
        )
        message = await messaging.start_conversation(
            principal, child_id=child.id, body="Hallo", publisher=NullPublisher()
        )
        ids.append(message.id)
    # when the audience of one and of all four is computed
    with count_sql() as one:
        single = await message_audience(t.org.id, ids[0])
    with count_sql() as four:
        many = await message_audiences(t.org.id, ids)
    # then it takes the same statements, with the same answer
    assert four.count == one.count, str(four)

    def seen(audience):  # type: ignore[no-untyped-def]
        files = [f.id for f in audience.attachments]
        return (audience.message_id, audience.parent_ids, audience.staff_ids, files)

    assert seen(many[ids[0]]) == seen(single)
    assert single.message.conversation.child_id == t.child.id
    assert set(many) == set(ids)


async def test_subscriptions_delivering_one_event_share_one_computation(db, app):
    # given a shared loader that counts its calls
    calls: list[list[int]] = []

    async def load_many(keys: list[int]) -> dict[int, str]:
        calls.append(sorted(keys))
        return {k: f"value {k}" for k in keys}

    loader: feed.SharedLoader[int, str] = feed.SharedLoader(load_many)
    one = StoredEvent(1, "x", "child:1", 1, {})
    two = StoredEvent(2, "x", "child:1", 1, {})
    # when ten subscriptions load the same two event objects at the same time
    results = await asyncio.gather(*(loader.load(e, e.id) for _ in range(10) for e in (one, two)))
    # then both were loaded in one call, and every subscription got its value
    assert calls == [[1, 2]]
    assert results == ["value 1", "value 2"] * 10
    # and an equal but new event object (a new read of the table) is loaded afresh
    again = StoredEvent(1, "x", "child:1", 1, {})
    assert await loader.load(again, again.id) == "value 1"
    assert calls == [[1, 2], [1]]
