"""Bursts for `bench.live_delivery`: many messages committed at once, straight into the
database, so that the servers' delivery (not the `sendMessage` mutation) is what is measured.

The rows are the ones `services.messaging` writes (message, its `message.added` event with
ids only, the event's audience `child:<id>` and `group:<id>`, on the event's row as well);
`sent_at` is set by the last statement before commit, like the mutation does. After commit
the wake-ups go out as the publisher sends them (ids only, on the organisation's feed
channel).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import asyncpg

from services.events import StoredEvent, audience_text
from subscriptions import resp
from subscriptions.publisher import encode, feed_topic

MESSAGES = """
INSERT INTO message (conversation_id, author_id, body, sent_at, created_at)
SELECT c, a, b, clock_timestamp(), now() FROM unnest($1::int[], $2::int[], $3::text[]) AS t(c, a, b)
RETURNING id, conversation_id"""
EVENTS = """
INSERT INTO event (organisation_id, type, topic, payload, audience_topics, created_at,
    published_at)
SELECT $1, 'message.added', t, p::jsonb, a, now(), now()
FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS u(t, p, a, n) ORDER BY n
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
    on_commit: Callable[[], object] = lambda: None,
) -> tuple[int, float]:
    """Commit `per_conversation` messages in every conversation in one transaction and
    wake the feeds (`on_commit` runs in between); returns the number of messages and when
    they were committed (time.time(), before the wake-ups went out: the servers start
    delivering at the first one)."""
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
            topics, payloads, audiences = [], [], []
            for message in messages:
                conversation = message["conversation_id"]
                child, group = where[conversation]
                topics.append(f"conversation:{conversation}")
                audiences.append(audience_text([f"child:{child}", f"group:{group}"]))
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
            events = await conn.fetch(EVENTS, organisation_id, topics, payloads, audiences)
            audience_events, audience_topics = [], []
            for event in events:
                child, group = where[int(event["topic"].split(":")[1])]
                audience_events += [event["id"], event["id"]]
                audience_topics += [f"child:{child}", f"group:{group}"]
            await conn.execute(AUDIENCE, audience_events, audience_topics)
            # The wake-ups' texts, as the publisher writes them (made before the commit: the
            # benchmark's own work after it is on the cores the servers are measured on).
            wakeups = [
                encode(StoredEvent(e["id"], "message.added", e["topic"], organisation_id, {}))
                for e in events
            ]
            await conn.execute(STAMP, [m["id"] for m in messages])
        committed = time.time()
    finally:
        await conn.close()
    on_commit()
    # Wake-ups as the publisher sends them: one PUBLISH per event on the organisation's feed
    # channel, the same commands Redis would get from many senders. They are written to one
    # connection in one write, and their replies are read after that. Writing them one by
    # one cost this process about 13 µs of CPU per event on this machine, at the same time as
    # the servers being measured.
    channel = channel_prefix + feed_topic(organisation_id)
    connection = await resp.RespConnection.open(redis_url, "ouderlink-bench-burst")
    try:
        sent = connection.send_all(("PUBLISH", channel, wakeup) for wakeup in wakeups)
        received = 0
        while received < sent:  # every PUBLISH answered
            received += len(await connection.replies())
    finally:
        connection.close()
    return len(messages), committed
