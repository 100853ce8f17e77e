"""Bursts for `bench.live_delivery`: many messages committed at once, straight into the
database, so that the servers' delivery (not the `sendMessage` mutation) is what is measured.

The rows are the ones `services.messaging` writes (message, its `message.added` event with
ids only, the event's audience `child:<id>` and `group:<id>`); `sent_at` is set by the last
statement before commit, like the mutation does. After commit the wake-ups go out as the
publisher sends them (ids only).
"""

from __future__ import annotations

import json

import asyncpg
import redis.asyncio as redis

MESSAGES = """
INSERT INTO message (conversation_id, author_id, body, sent_at, created_at)
SELECT c, a, b, clock_timestamp(), now() FROM unnest($1::int[], $2::int[], $3::text[]) AS t(c, a, b)
RETURNING id, conversation_id"""
EVENTS = """
INSERT INTO event (organisation_id, type, topic, payload, created_at, published_at)
SELECT $1, 'message.added', t, p::jsonb, now(), now()
FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS u(t, p, n) ORDER BY n
RETURNING id, topic"""
AUDIENCE = """
INSERT INTO event_audience (event_id, topic)
SELECT e, t FROM unnest($1::bigint[], $2::text[]) AS u(e, t)"""
STAMP = "UPDATE message SET sent_at = clock_timestamp() WHERE id = ANY($1::int[])"


async def burst(
    database: str,
    redis_url: str,
    channel_prefix: str,
    organisation_id: int,
    rows: list[tuple[int, int, int, int]],
    per_conversation: int,
) -> int:
    """Commit `per_conversation` messages in every conversation in one transaction and
    wake the feeds; returns the number of messages."""
    conn = await asyncpg.connect(database)
    try:
        conversations, authors, bodies = [], [], []
        for round_ in range(per_conversation):
            for conversation, _child, _group, author in rows:
                conversations.append(conversation)
                authors.append(author)
                bodies.append(f"burst {round_}")
        where = {conversation: (child, group) for conversation, child, group, _ in rows}
        async with conn.transaction():
            messages = await conn.fetch(MESSAGES, conversations, authors, bodies)
            topics, payloads = [], []
            for message in messages:
                conversation = message["conversation_id"]
                child, group = where[conversation]
                topics.append(f"conversation:{conversation}")
                payloads.append(
                    json.dumps(
                        {
                            "conversation_id": conversation,
                            "message_id": message["id"],
                            "child_id": child,
                            "group_id": group,
                        }
                    )
                )
            events = await conn.fetch(EVENTS, organisation_id, topics, payloads)
            audience_events, audience_topics = [], []
            for event in events:
                child, group = where[int(event["topic"].split(":")[1])]
                audience_events += [event["id"], event["id"]]
                audience_topics += [f"child:{child}", f"group:{group}"]
            await conn.execute(AUDIENCE, audience_events, audience_topics)
            await conn.execute(STAMP, [m["id"] for m in messages])
    finally:
        await conn.close()
    # Wake-ups as the publisher sends them: on the organisation's feed channel, and on each
    # event's own and audience topics (what servers before the feed listened to).
    client = redis.from_url(redis_url)
    try:
        async with client.pipeline(transaction=False) as pipe:
            for event in events:
                conversation = int(event["topic"].split(":")[1])
                child, group = where[conversation]
                message = json.dumps(
                    {
                        "id": event["id"],
                        "type": "message.added",
                        "topic": event["topic"],
                        "organisation_id": organisation_id,
                    }
                )
                for topic in (
                    f"organisation-events:{organisation_id}",
                    event["topic"],
                    f"child:{child}",
                    f"group:{group}",
                ):
                    pipe.publish(f"{channel_prefix}{topic}", message)
            await pipe.execute()
    finally:
        await client.aclose()
    return len(messages)
