"""Publishing events after commit (subscriptions.publisher, hub): ids only, on the channel of
the organisation's live feeds, `published_at` noted; failures left to the relay."""

from __future__ import annotations

import asyncio
import json
import os

from tortoise.transactions import in_transaction

from models import Event
from services.events import DomainEvent, record
from subscriptions import hub
from subscriptions.publisher import BroadcastPublisher, feed_topic
from tests import factories
from tests.messaging_samples import start_conversation

TIMEOUT = 10


async def published(event_id: int) -> None:
    async with asyncio.timeout(TIMEOUT):
        while (await Event.get(id=event_id)).published_at is None:  # noqa: ASYNC110
            await asyncio.sleep(0.02)


def test_channels_carry_the_prefix_of_this_run():
    assert hub.channel("child:1") == f"{os.environ['BROADCAST_CHANNEL_PREFIX']}child:1"
    assert os.environ["BROADCAST_CHANNEL_PREFIX"].startswith("ouderlink-test-")


async def test_a_sent_message_is_broadcast_with_ids_only_on_its_organisations_feed(db, gql):
    # given listeners on the organisation's feed channel and on the child's topic
    t = await factories.tenant()
    token = await factories.token_for(t.parent)
    broadcast = hub.broadcast()
    async with (
        broadcast.subscribe(hub.channel(feed_topic(t.org.id))) as by_feed,
        broadcast.subscribe(hub.channel(f"child:{t.child.id}")) as by_child,
    ):
        # when
        await start_conversation(gql, token, t.child.id, "Persoonlijk verhaal")
        # then one wake-up on the feed, nothing on the topic (nothing listens there)
        async with asyncio.timeout(TIMEOUT):
            messages = [json.loads((await by_feed.get()).message)]
        await published((await Event.first()).id)
        await asyncio.sleep(0.1)  # what else was published has arrived by now
        assert by_child.drain() == []
    [event] = await Event.all()
    expected = {
        "id": event.id,
        "type": "message.added",
        "topic": event.topic,
        "organisation_id": t.org.id,
    }
    assert messages == [expected]
    assert "Persoonlijk" not in json.dumps(messages)
    await published(event.id)


async def test_a_failed_publication_is_left_for_the_relay_which_publishes_it(db):
    # given an event whose publication failed (no broadcast connected)
    org = await factories.organisation()
    async with in_transaction() as conn:
        event = await record(DomainEvent("thing.added", "child:99", org.id, {"x": 1}), conn)
    done = await BroadcastPublisher(lambda: None, hub.channel("")).publish_many([event])
    assert done == []
    assert (await Event.get(id=event.id)).published_at is None
    # when the relay runs
    async with hub.broadcast().subscribe(hub.channel(feed_topic(org.id))) as listener:
        count = await hub.relay_once(grace_seconds=0)
        # then it is published and marked
        async with asyncio.timeout(TIMEOUT):
            message = json.loads((await listener.get()).message)
    assert count == 1
    assert message["id"] == event.id
    assert (await Event.get(id=event.id)).published_at is not None
    assert await hub.relay_once(grace_seconds=0) == 0
