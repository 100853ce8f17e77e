"""The event log (services.events): recording with an audience, reading it back by topic,
the resume cursor, and what the relay has to publish."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from tortoise.transactions import in_transaction

from models import Event
from services import clock
from services.events import (
    DomainEvent,
    StoredEvent,
    audience_text,
    events_after,
    latest_event_id,
    mark_published,
    organisation_batch_after,
    record,
    unpublished_events,
)
from tests import factories


async def put(org_id: int, topic: str, type_: str = "thing.added", audience=()) -> int:
    async with in_transaction() as conn:
        stored = await record(DomainEvent(type_, topic, org_id, {"n": 1}, tuple(audience)), conn)
    return stored.id


async def test_events_are_found_by_their_own_topic_and_by_their_audience(db):
    # given
    org = await factories.organisation()
    a = await put(org.id, "conversation:1", audience=("child:7", "group:2"))
    b = await put(org.id, "child:7")
    c = await put(org.id, "conversation:2", audience=("child:8",))
    # when / then
    found = await events_after(org.id, {"child:7"}, {"thing.added"}, 0)
    assert [e.id for e in found] == [a, b]
    assert [
        e.id for e in await events_after(org.id, {"group:2", "child:8"}, {"thing.added"}, 0)
    ] == [
        a,
        c,
    ]


async def test_reading_after_a_cursor_by_type_and_with_a_limit(db):
    org = await factories.organisation()
    ids = [await put(org.id, "child:1", "x") for _ in range(5)]
    await put(org.id, "child:1", "y")
    assert [e.id for e in await events_after(org.id, {"child:1"}, {"x"}, ids[1], limit=2)] == ids[
        2:4
    ]
    assert await events_after(org.id, {"child:1"}, set(), 0) == []
    assert await events_after(org.id, set(), {"x"}, 0) == []


async def test_another_organisation_never_reads_an_event(db):
    org = await factories.organisation()
    other = await factories.organisation("zon")
    await put(org.id, "child:1", audience=("group:1",))
    assert await events_after(other.id, {"child:1", "group:1"}, {"thing.added"}, 0) == []
    assert await latest_event_id(other.id) == 0


async def test_the_latest_event_id_is_per_organisation(db):
    org = await factories.organisation()
    other = await factories.organisation("zon")
    mine = await put(org.id, "child:1")
    await put(other.id, "child:2")
    assert await latest_event_id(org.id) == mine


async def test_unpublished_events_are_those_older_than_the_grace_period_until_marked(db):
    # given two events, the second one just created
    org = await factories.organisation()
    first = await put(org.id, "child:1", audience=("group:1",))
    second = await put(org.id, "child:2")
    # when / then: with no grace both are due, marking one leaves the other
    due = await unpublished_events(clock.now() + timedelta(seconds=1))
    assert [e.id for e in due] == [first, second]
    assert due[0].topics == ("child:1", "group:1")  # the relay publishes on every topic
    assert await unpublished_events(clock.now() - timedelta(minutes=1)) == []
    await mark_published([first], clock.now())
    assert [e.id for e in await unpublished_events(clock.now() + timedelta(seconds=1))] == [second]


async def test_the_feed_reads_every_event_of_its_organisation_with_payload_and_audience(db):
    # given events of two organisations, one with an audience
    org = await factories.organisation()
    other = await factories.organisation("elders")
    first = await put(org.id, "conversation:1", audience=("group:2", "child:7"))
    await put(other.id, "conversation:9")
    second = await put(org.id, "child:7", "y")
    third = await put(org.id, "child:8")
    # when the feed reads after the first, at most two
    found = (await organisation_batch_after(org.id, first, limit=2)).events
    # then it gets the organisation's next two, oldest first, each whole
    assert [e.id for e in found] == [second, third]
    assert (found[0].type, found[0].topic, found[0].payload) == ("y", "child:7", {"n": 1})
    assert found[0].organisation_id == org.id
    everything = (await organisation_batch_after(org.id, 0)).events
    assert everything[0].audience == ("child:7", "group:2")
    assert everything[0].topics == ("conversation:1", "child:7", "group:2")
    assert everything[1].audience == ()


async def test_an_event_keeps_its_audience_topics_on_its_own_row(db):
    # given an event addressed to two further topics, given unsorted and once twice
    org = await factories.organisation()
    event_id = await put(org.id, "conversation:1", audience=("group:2", "child:7", "group:2"))
    # then its row holds them sorted, once each, as the live feed reads them
    row = await Event.get(id=event_id)
    assert row.audience_topics == "child:7 group:2"


def test_a_topic_with_whitespace_is_refused_for_the_audience_row():
    # when a topic holds a space, then it is refused (the row separates topics by spaces)
    with pytest.raises(ValueError):
        audience_text(["child:7", "group 2"])
    assert audience_text([]) == ""


def test_an_event_read_from_a_row_is_the_event_built_as_usual_and_as_frozen():
    # given / when: the feed's way and the usual way
    fields = (7, "message.added", "conversation:3", 1, {"message_id": 4}, ("child:2",))
    read = StoredEvent.read(*fields)
    # then every field is set, the same (a field added later and not set fails here)
    assert [f.name for f in dataclasses.fields(StoredEvent)] == [
        "id",
        "type",
        "topic",
        "organisation_id",
        "payload",
        "audience",
    ]
    assert read == StoredEvent(*fields)
    assert read.topics == ("conversation:3", "child:2")
    with pytest.raises(dataclasses.FrozenInstanceError):
        read.id = 8  # type: ignore[misc]
