"""Publishing events after commit (subscriptions.publisher, hub): ids only, on the channels of
the event's topic and audience, `published_at` noted; failures left to the relay."""

from __future__ import annotations

import asyncio
import json
import os

from tortoise.transactions import in_transaction

from models import Event
from services.events import DomainEvent, record
from subscriptions import hub
from subscriptions.publisher import BroadcastPublisher
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


async def test_a_sent_message_is_broadcast_with_ids_only_on_each_of_its_topics(db, gql):
    # given listeners on the child's and the group's channel
    t = await factories.tenant()
    token = await factories.token_for(t.parent)
    broadcast = hub.broadcast()
    async with (
        broadcast.subscribe(hub.channel(f"child:{t.child.id}")) as by_child,
        broadcast.subscribe(hub.channel(f"group:{t.babies.id}")) as by_group,
    ):
        # when
        await start_conversation(gql, token, t.child.id, "Persoonlijk verhaal")
        # then
        async with asyncio.timeout(TIMEOUT):
            messages = [json.loads((await s.get()).message) for s in (by_child, by_group)]
    [event] = await Event.all()
    expected = {
        "id": event.id,
        "type": "message.added",
        "topic": event.topic,
        "organisation_id": t.org.id,
    }
    assert messages == [expected, expected]
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
    async with hub.broadcast().subscribe(hub.channel("child:99")) as listener:
        count = await hub.relay_once(grace_seconds=0)
        # then it is published and marked
        async with asyncio.timeout(TIMEOUT):
            message = json.loads((await listener.get()).message)
    assert count == 1
    assert message["id"] == event.id
    assert (await Event.get(id=event.id)).published_at is not None
    assert await hub.relay_once(grace_seconds=0) == 0
