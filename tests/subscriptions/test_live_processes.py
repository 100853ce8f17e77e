"""Live messages across real server processes sharing PostgreSQL and Redis: delivery from
process A to process B, surviving Redis disconnects and restarts, catching up with `after`,
and disconnecting a client too slow to keep up."""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import string
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from tests import factories
from tests.conftest import REDIS_URL
from tests.live import TWO_PROCESSES, WHY_ONE_PROCESS, GraphQLSocket, Server
from tests.messaging_samples import MESSAGE_ADDED, event_cursor, send, start_conversation
from tests.subscriptions.test_broadcast_redis import RedisServer

two_processes = pytest.mark.skipif(not TWO_PROCESSES, reason=WHY_ONE_PROCESS)
TIMEOUT = 30


def bodies(results: list[dict]) -> list[str]:
    return [r["data"]["messageAdded"]["node"]["body"] for r in results]


@pytest.fixture
async def own_redis() -> AsyncIterator[RedisServer]:
    """A throwaway redis-server on a free port (started by the test when it wants)."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer()
    yield server
    await server.stop()


async def kill_connections_of(*servers: Server) -> int:
    """CLIENT KILL every Redis connection of these server processes (and only theirs)."""
    names = {f"{os.environ['BROADCAST_CLIENT_NAME']}-{s.pid}" for s in servers}
    admin = aioredis.Redis.from_url(REDIS_URL, decode_responses=True)
    try:
        ids = [int(c["id"]) for c in await admin.client_list() if c["name"] in names]
        for client_id in ids:
            await admin.client_kill_filter(_id=client_id)
        return len(ids)
    finally:
        await admin.aclose()


@two_processes
async def test_a_message_sent_through_process_a_reaches_a_parent_on_process_b(db, live_servers):
    # given a parent connected to process B
    a, b = live_servers
    t = await factories.tenant()
    parent = await factories.token_for(t.parent)
    staff = await factories.token_for(t.staff)
    conversation = (await start_conversation(a.gql, parent, t.child.id))["conversation"]["id"]
    after = await event_cursor(a.gql, parent)
    client = await GraphQLSocket.connect(b.ws_url, parent)
    op = await client.subscribe(MESSAGE_ADDED, {"conversationId": conversation, "after": after})
    # when staff answer through process A
    await send(a.gql, staff, conversation, "Via proces A")
    # then
    assert bodies(await client.results(op, 1)) == ["Via proces A"]
    await client.close()


@two_processes
async def test_staff_subscribing_at_the_same_moment_on_one_process_each_get_everything(
    db, live_servers
):
    # given ten staff members of the group subscribing to their group at once on process B
    a, b = live_servers
    t = await factories.tenant()
    colleagues = [await factories.user(t.org, role=t.staff.role) for _ in range(10)]
    for colleague in colleagues:
        await factories.assign(colleague, t.babies)
    tokens = [await factories.token_for(c) for c in colleagues]
    parent = await factories.token_for(t.parent)
    after = await event_cursor(a.gql, parent)
    clients = await asyncio.gather(*(GraphQLSocket.connect(b.ws_url, tok) for tok in tokens))
    ops = await asyncio.gather(*(c.subscribe(MESSAGE_ADDED, {"after": after}) for c in clients))
    # when the parent writes five messages through process A
    conversation = (await start_conversation(a.gql, parent, t.child.id, "0"))["conversation"]["id"]
    for n in range(1, 5):
        await send(a.gql, parent, conversation, str(n))
    # then every colleague receives all five, in order
    for client, op in zip(clients, ops, strict=True):
        assert bodies(await client.results(op, 5)) == ["0", "1", "2", "3", "4"]
        await client.close()


@two_processes
async def test_delivery_resumes_after_the_redis_connections_are_killed(db, live_servers):
    # given a parent on process B who received a first message from process A
    a, b = live_servers
    t = await factories.tenant()
    parent = await factories.token_for(t.parent)
    staff = await factories.token_for(t.staff)
    conversation = (await start_conversation(a.gql, parent, t.child.id))["conversation"]["id"]
    after = await event_cursor(a.gql, parent)
    client = await GraphQLSocket.connect(b.ws_url, parent)
    op = await client.subscribe(MESSAGE_ADDED, {"conversationId": conversation, "after": after})
    await send(a.gql, staff, conversation, "voor")
    assert bodies(await client.results(op, 1)) == ["voor"]
    # when every Redis connection of both processes is killed and staff keep writing
    assert await kill_connections_of(a, b) >= 2
    for n in range(3):
        await send(a.gql, staff, conversation, f"na {n}")
    # then everything committed arrives, in order (what Redis dropped is read from the table)
    assert bodies(await client.results(op, 3)) == ["na 0", "na 1", "na 2"]
    await send(a.gql, staff, conversation, "live")
    assert bodies(await client.results(op, 1)) == ["live"]
    await client.close()


@two_processes
async def test_a_redis_restart_loses_nothing_committed(db, own_redis, start_server):
    # given two processes on a Redis of our own, and a parent on B who saw a first message
    await own_redis.start()
    a = await start_server(REDIS_URL=own_redis.url)
    b = await start_server(REDIS_URL=own_redis.url)
    t = await factories.tenant()
    parent = await factories.token_for(t.parent)
    staff = await factories.token_for(t.staff)
    conversation = (await start_conversation(a.gql, parent, t.child.id))["conversation"]["id"]
    after = await event_cursor(a.gql, parent)
    client = await GraphQLSocket.connect(b.ws_url, parent)
    op = await client.subscribe(MESSAGE_ADDED, {"conversationId": conversation, "after": after})
    await send(a.gql, staff, conversation, "1")
    assert bodies(await client.results(op, 1)) == ["1"]
    # when Redis stops, a message is sent (committed, not broadcast), and Redis comes back
    await own_redis.stop()
    await send(a.gql, staff, conversation, "2 tijdens de storing")
    await own_redis.start()
    await b.wait_until("/readyz")
    await send(a.gql, staff, conversation, "3 daarna")
    # then the parent gets both, in order, without reconnecting
    assert bodies(await client.results(op, 2)) == ["2 tijdens de storing", "3 daarna"]
    await client.close()


@two_processes
async def test_a_client_that_reconnects_after_an_outage_catches_up_with_after(
    db, own_redis, start_server
):
    # given a parent on B whose connection dropped with Redis, after seeing message 1
    await own_redis.start()
    a = await start_server(REDIS_URL=own_redis.url)
    b = await start_server(REDIS_URL=own_redis.url)
    t = await factories.tenant()
    parent = await factories.token_for(t.parent)
    staff = await factories.token_for(t.staff)
    conversation = (await start_conversation(a.gql, parent, t.child.id))["conversation"]["id"]
    after = await event_cursor(a.gql, parent)
    client = await GraphQLSocket.connect(b.ws_url, parent)
    op = await client.subscribe(MESSAGE_ADDED, {"conversationId": conversation, "after": after})
    await send(a.gql, staff, conversation, "1")
    [seen] = await client.results(op, 1)
    await client.close()
    await own_redis.stop()
    # when messages are sent during the outage and the parent reconnects once Redis is back
    for n in (2, 3):
        await send(a.gql, staff, conversation, str(n))
    await own_redis.start()
    await b.wait_until("/readyz")
    client = await GraphQLSocket.connect(b.ws_url, parent)
    resume = {"conversationId": conversation, "after": seen["data"]["messageAdded"]["cursor"]}
    op = await client.subscribe(MESSAGE_ADDED, resume)
    # then what was missed comes first, then live messages
    assert bodies(await client.results(op, 2)) == ["2", "3"]
    await send(a.gql, staff, conversation, "4")
    assert bodies(await client.results(op, 1)) == ["4"]
    await client.close()


async def test_the_server_starts_without_redis_and_gets_ready_when_it_comes(
    db, own_redis, start_server
):
    # given a server whose Redis is not running yet
    server = await start_server(ready="/healthz", REDIS_URL=own_redis.url)
    response = await server.get("/readyz")
    assert response.status_code == 503
    assert response.json()["broadcast"] == "error"
    # and a message sent meanwhile (committed; its broadcast failed)
    t = await factories.tenant()
    parent = await factories.token_for(t.parent)
    staff = await factories.token_for(t.staff)
    after = await event_cursor(server.gql, parent)
    started = await start_conversation(server.gql, staff, t.child.id, "Zonder Redis")
    # when Redis starts
    await own_redis.start()
    # then the server gets ready, and live delivery works: what was missed, then new messages
    await server.wait_until("/readyz")
    client = await GraphQLSocket.connect(server.ws_url, parent)
    op = await client.subscribe(MESSAGE_ADDED, {"after": after})
    assert bodies(await client.results(op, 1)) == ["Zonder Redis"]
    await send(server.gql, staff, started["conversation"]["id"], "Met Redis")
    assert bodies(await client.results(op, 1)) == ["Met Redis"]
    await client.close()


async def test_a_client_too_slow_to_keep_up_is_disconnected_with_a_clear_code(db, start_server):
    # given a server that lets subscribers fall at most 5 events behind, and a parent whose
    # app stops reading while asking for big results (the same long body 25 times)
    server = await start_server(BROADCAST_QUEUE_SIZE="5")
    t = await factories.tenant()
    parent = await factories.token_for(t.parent)
    staff = await factories.token_for(t.staff)
    conversation = (await start_conversation(server.gql, parent, t.child.id))["conversation"]["id"]
    after = await event_cursor(server.gql, parent)
    big = " ".join(f"b{n}: node {{ body }}" for n in range(25))
    query = f"""subscription($id: ID, $after: String) {{
        messageAdded(conversationId: $id, after: $after) {{ cursor {big} }} }}"""
    client = await GraphQLSocket.connect(server.ws_url, parent, compression=None, max_queue=1)
    await client.subscribe(query, {"id": conversation, "after": after})
    # when staff send many long messages
    text = "".join(random.choices(string.ascii_letters, k=4000))
    for _ in range(80):
        await send(server.gql, staff, conversation, text)
    # then, reading at last, the app finds its socket closed with 4013 ("too slow")
    closed = await client.wait_closed(seconds=TIMEOUT)
    assert closed.code == 4013
    assert "after" in closed.reason
