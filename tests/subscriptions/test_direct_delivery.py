"""subscriptions.direct: live subscriptions delivered without a task of their own, against
real server processes (the path is read from the server's /metrics)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from models import Guardianship
from services import clock
from tests import factories
from tests.live import GraphQLSocket, Server
from tests.messaging_samples import (
    MESSAGE_ADDED,
    event_cursor,
    parent_hearing_both_children,
    send,
    start_conversation,
)

WITH_VIEWER_FIELDS = """
subscription($conversationId: ID, $after: String) {
  messageAdded(conversationId: $conversationId, after: $after) {
    cursor
    node { id body sentAt author { name role } conversation { id } isMine }
  }
}"""
# The same without isMine: projected.
DATA_FIELDS = WITH_VIEWER_FIELDS.replace(" isMine", "")

FRAGMENTS = """
subscription($after: String) {
  messageAdded(after: $after) { ...edge }
}
fragment edge on MessageEdge { cursor node { ... on Message { id sentAt said: body } } }"""


async def metrics(server: Server) -> dict[str, float]:
    response = await server.get("/metrics")
    assert response.status_code == 200
    figures = {}
    for line in response.text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.split()
            figures[name] = float(value)
    return figures


async def until(check, seconds: float = 10) -> None:  # type: ignore[no-untyped-def]
    """Until `check()` holds (the server's figures move a moment after the client acts)."""
    for _ in range(int(seconds / 0.05)):
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the server did not get there in time")


@dataclass
class Family:
    """A parent's conversation with the group, and the cursor of "now"."""

    tenant: factories.Tenant
    parent: str  # token
    staff: str  # token
    conversation: str  # global id
    after: str


async def a_conversation(server: Server) -> Family:
    t = await factories.tenant()
    parent = await factories.token_for(t.parent)
    staff = await factories.token_for(t.staff)
    conversation = (await start_conversation(server.gql, parent, t.child.id))["conversation"]["id"]
    return Family(t, parent, staff, conversation, await event_cursor(server.gql, parent))


async def test_a_selection_of_message_data_is_delivered_without_a_task_of_its_own(db, live_servers):
    # given a parent subscribed to a conversation with a selection of the message's data
    server: Server = live_servers[0]
    f = await a_conversation(server)
    parent, staff, conversation, after = f.parent, f.staff, f.conversation, f.after
    before = await metrics(server)
    client = await GraphQLSocket.connect(server.ws_url, parent)
    op = await client.subscribe(MESSAGE_ADDED, {"conversationId": conversation, "after": after})

    async def handed_over() -> bool:
        now = await metrics(server)
        return (
            now["ouderlink_live_direct_handed_over_total"]
            > (before["ouderlink_live_direct_handed_over_total"])
        )

    await until(handed_over)
    # when staff answer twice
    await send(server.gql, staff, conversation, "Eerste")
    await send(server.gql, staff, conversation, "Tweede")
    # then both arrive in order, projected from the message, through direct delivery
    first, second = await client.results(op, 2)
    assert first["data"]["messageAdded"]["node"]["body"] == "Eerste"
    assert first["data"]["messageAdded"]["node"]["author"]["role"] == "STAFF"
    assert first["data"]["messageAdded"]["node"]["conversation"]["id"] == conversation
    assert second["data"]["messageAdded"]["node"]["body"] == "Tweede"
    assert first["data"]["messageAdded"]["cursor"] < second["data"]["messageAdded"]["cursor"]
    after_sending = await metrics(server)
    sent = after_sending["ouderlink_live_direct_frames_total"]
    assert sent >= before["ouderlink_live_direct_frames_total"] + 2
    await client.close()


async def test_a_viewer_dependent_selection_takes_the_task_path_and_shows_the_same_data(
    db, live_servers
):
    # given one socket with two subscriptions to the same conversation: one asks isMine
    server: Server = live_servers[0]
    f = await a_conversation(server)
    parent, staff, conversation, after = f.parent, f.staff, f.conversation, f.after
    before = await metrics(server)
    client = await GraphQLSocket.connect(server.ws_url, parent)
    variables = {"conversationId": conversation, "after": after}
    direct = await client.subscribe(DATA_FIELDS, variables)
    executed = await client.subscribe(WITH_VIEWER_FIELDS, variables)
    await asyncio.sleep(0.5)  # both started
    # when staff answer
    await send(server.gql, staff, conversation, "Voor allebei")
    # then both get it, with the same data; only the first was handed over
    [projected] = await client.results(direct, 1)
    [full] = await client.results(executed, 1)
    assert full["data"]["messageAdded"]["node"].pop("isMine") is False
    assert projected == full
    now = await metrics(server)
    handed = now["ouderlink_live_direct_handed_over_total"]
    assert handed == before["ouderlink_live_direct_handed_over_total"] + 1
    await client.close()


async def test_fragments_and_aliases_are_projected_like_graphql_executes_them(db, live_servers):
    # given a parent subscribed with fragments and an alias
    server: Server = live_servers[0]
    f = await a_conversation(server)
    parent, staff, conversation, after = f.parent, f.staff, f.conversation, f.after
    client = await GraphQLSocket.connect(server.ws_url, parent)
    op = await client.subscribe(FRAGMENTS, {"after": after})
    # when staff answer
    await send(server.gql, staff, conversation, "Met fragment")
    # then the answer has the fragment's fields under their response keys
    [result] = await client.results(op, 1)
    node = result["data"]["messageAdded"]["node"]
    assert list(node) == ["id", "sentAt", "said"]
    assert node["said"] == "Met fragment"
    assert node["sentAt"].startswith(str(clock.today().year))
    await client.close()


async def test_completing_a_direct_subscription_stops_it_and_lets_its_tap_go(db, live_servers):
    # given a parent with a direct subscription
    server: Server = live_servers[0]
    f = await a_conversation(server)
    parent, staff, conversation, after = f.parent, f.staff, f.conversation, f.after
    before = await metrics(server)
    client = await GraphQLSocket.connect(server.ws_url, parent)
    first = await client.subscribe(MESSAGE_ADDED, {"conversationId": conversation, "after": after})
    open_now = before["ouderlink_live_direct_subscriptions"] + 1

    async def opened() -> bool:
        return (await metrics(server))["ouderlink_live_direct_subscriptions"] >= open_now

    await until(opened)
    # when the client completes it, subscribes again under another id and staff write
    await client.send({"id": first, "type": "complete"})

    async def closed() -> bool:
        now = (await metrics(server))["ouderlink_live_direct_subscriptions"]
        return now <= before["ouderlink_live_direct_subscriptions"]

    await until(closed)
    second = await client.subscribe(MESSAGE_ADDED, {"conversationId": conversation, "after": after})
    await send(server.gql, staff, conversation, "Na complete")
    # then only the new subscription gets it
    [result] = await client.results(second, 1)
    assert result["data"]["messageAdded"]["node"]["body"] == "Na complete"
    assert not client._pending.get(first)
    await client.close()


async def test_a_direct_subscription_hears_a_new_group_at_its_next_poll_with_what_it_missed(
    db, start_server
):
    # given staff of one group subscribed to all their conversations, on a server that
    # re-reads scopes every half second
    server = await start_server(LIVE_POLL_SECONDS="0.5")
    t = await factories.tenant()
    staff = await factories.token_for(t.staff)
    other_parent = await factories.token_for(t.other_parent)
    bso = (await start_conversation(server.gql, other_parent, t.bso_child.id))["conversation"]
    after = await event_cursor(server.gql, staff)
    client = await GraphQLSocket.connect(server.ws_url, staff)
    op = await client.subscribe(MESSAGE_ADDED, {"after": after})
    await asyncio.sleep(0.3)
    # when they start working in the BSO group and a BSO parent writes right away
    await factories.assign(t.staff, t.bso)
    await send(server.gql, other_parent, bso["id"], "Welkom bij de BSO")
    # then the message arrives (caught up from the table at the poll), then live ones
    [caught_up] = await client.results(op, 1)
    assert caught_up["data"]["messageAdded"]["node"]["body"] == "Welkom bij de BSO"
    await send(server.gql, other_parent, bso["id"], "Nog eentje")
    [live] = await client.results(op, 1)
    assert live["data"]["messageAdded"]["node"]["body"] == "Nog eentje"
    await client.close()


async def test_a_direct_subscription_to_a_conversation_no_longer_visible_ends_with_an_error(
    db, start_server
):
    # given a parent subscribed to one conversation, on a server that re-reads scopes often
    server = await start_server(LIVE_POLL_SECONDS="0.5")
    t = await factories.tenant()
    parent = await factories.token_for(t.parent)
    conversation = (await start_conversation(server.gql, parent, t.child.id))["conversation"]["id"]
    client = await GraphQLSocket.connect(server.ws_url, parent)
    op = await client.subscribe(MESSAGE_ADDED, {"conversationId": conversation})
    await asyncio.sleep(0.3)
    # when their guardianship ends
    await Guardianship.filter(user_id=t.parent.id, child_id=t.child.id).delete()
    # then the subscription ends: an error with a code, then complete
    refused = await client.next_result(op)
    assert refused["data"] is None
    assert refused["errors"][0]["extensions"]["code"] in ("FORBIDDEN", "NOT_FOUND")
    complete = await client.next_message(op)
    assert complete["type"] == "complete"
    await client.close()


async def test_a_direct_subscription_replays_in_order_from_after_then_goes_live(db, live_servers):
    # given three messages a parent missed
    server: Server = live_servers[0]
    f = await a_conversation(server)
    parent, staff, conversation, after = f.parent, f.staff, f.conversation, f.after
    for body in ("een", "twee", "drie"):
        await send(server.gql, staff, conversation, body)
    # when they subscribe with `after` while staff write on
    client = await GraphQLSocket.connect(server.ws_url, parent)
    op = await client.subscribe(MESSAGE_ADDED, {"after": after})
    writing = asyncio.gather(*(send(server.gql, staff, conversation, b) for b in ("vier", "vijf")))
    await writing
    await send(server.gql, staff, conversation, "zes")
    # then all six arrive once, in commit order
    results = await client.results(op, 6)
    bodies = [r["data"]["messageAdded"]["node"]["body"] for r in results]
    assert bodies[:3] == ["een", "twee", "drie"]
    assert sorted(bodies[3:5]) == ["vier", "vijf"]
    assert bodies[5] == "zes"
    cursors = [r["data"]["messageAdded"]["cursor"] for r in results]
    assert cursors == sorted(cursors) and len(set(cursors)) == 6
    await client.close()


async def test_a_parent_who_loses_access_gets_no_further_message_though_readers_were_kept(
    db, live_servers
):
    # given a parent hearing all their conversations, whose first message was delivered (so
    # the feed keeps the conversation's readers), long before their next scope poll
    server: Server = live_servers[0]
    t = await factories.tenant()
    staff = await factories.token_for(t.staff)
    hearing = await parent_hearing_both_children(server, t)
    client, op = hearing.client, hearing.op
    await asyncio.sleep(0.3)
    await send(server.gql, staff, hearing.sam, "een")
    [first] = await client.results(op, 1)
    assert first["data"]["messageAdded"]["node"]["body"] == "een"
    # when their guardianship of Sam ends, and a message follows in each conversation
    await Guardianship.filter(user_id=t.parent.id, child_id=t.child.id).delete()
    await send(server.gql, staff, hearing.sam, "twee")
    await send(server.gql, hearing.parent, hearing.noor, "drie")
    # then Sam's message is not delivered: the next one is Noor's (events come in order)
    [following] = await client.results(op, 1)
    assert following["data"]["messageAdded"]["node"]["body"] == "drie"
    await client.close()


async def test_a_rush_in_several_conversations_reaches_a_socket_once_each_in_order(
    db, live_servers
):
    # given a parent hearing all their conversations on one socket (so one batch of events
    # can hold several frames for it: they go out in one write)
    server: Server = live_servers[0]
    t = await factories.tenant()
    staff = await factories.token_for(t.staff)
    bso_staff = await factories.token_for(t.bso_staff)
    hearing = await parent_hearing_both_children(server, t)
    client, op = hearing.client, hearing.op
    await asyncio.sleep(0.3)
    # when both groups write three messages each at the same time
    await asyncio.gather(
        *(send(server.gql, staff, hearing.sam, f"sam {n}") for n in range(3)),
        *(send(server.gql, bso_staff, hearing.noor, f"noor {n}") for n in range(3)),
    )
    # then all six arrive once each, in the order they were committed
    results = await client.results(op, 6)
    bodies = [r["data"]["messageAdded"]["node"]["body"] for r in results]
    assert sorted(bodies) == sorted(
        [f"sam {n}" for n in range(3)] + [f"noor {n}" for n in range(3)]
    )
    cursors = [r["data"]["messageAdded"]["cursor"] for r in results]
    assert cursors == sorted(cursors) and len(set(cursors)) == 6
    await client.close()


async def test_the_metrics_count_the_servers_garbage_collections_per_generation(live_servers):
    # given a server process that has started (it collects once, then freezes what start-up
    # built: services.gc_tuning)
    server: Server = live_servers[0]
    # when its metrics are read
    figures = await metrics(server)
    # then each generation's collections and their CPU time are there, the start-up's full
    # collection among them
    for generation in range(3):
        assert f'ouderlink_gc_collections_total{{generation="{generation}"}}' in figures
        assert f'ouderlink_gc_seconds_total{{generation="{generation}"}}' in figures
    assert figures['ouderlink_gc_collections_total{generation="2"}'] >= 1
    assert figures['ouderlink_gc_seconds_total{generation="2"}'] > 0
