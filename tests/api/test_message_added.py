"""subscription messageAdded, over a real WebSocket against a real server process."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from models import Event, Guardianship, Session, StaffAssignment
from schema.ids import pk_of
from services import clock
from tests import factories
from tests.live import GraphQLSocket, Server
from tests.messaging_samples import (
    MESSAGE_ADDED,
    event_cursor,
    gid,
    parent_hearing_both_children,
    send,
    start_conversation,
)

PROTOCOLS = ["graphql-transport-ws", "graphql-ws"]


def bodies(results: list[dict]) -> list[str]:
    return [r["data"]["messageAdded"]["node"]["body"] for r in results]


def message_ids(results: list[dict]) -> list[str]:
    return [r["data"]["messageAdded"]["node"]["id"] for r in results]


def cursors(results: list[dict]) -> list[str]:
    return [r["data"]["messageAdded"]["cursor"] for r in results]


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_parent_receives_the_reply_of_the_group(db, live_servers, protocol):
    # given a conversation the parent started, and the parent subscribed to it
    server: Server = live_servers[0]
    t = await factories.tenant()
    parent = await factories.token_for(t.parent)
    staff = await factories.token_for(t.staff)
    started = await start_conversation(server.gql, parent, t.child.id, "Slaapt Sam goed?")
    conversation = started["conversation"]["id"]
    after = await event_cursor(server.gql, parent)
    client = await GraphQLSocket.connect(server.ws_url, parent, protocol=protocol)
    op = await client.subscribe(MESSAGE_ADDED, {"conversationId": conversation, "after": after})
    # when staff answer
    await send(server.gql, staff, conversation, "Ja, twee uur!")
    # then
    [result] = await client.results(op, 1)
    edge = result["data"]["messageAdded"]
    assert edge["node"]["body"] == "Ja, twee uur!"
    assert edge["node"]["author"]["role"] == "STAFF"
    assert edge["node"]["conversation"]["id"] == conversation
    assert edge["cursor"]
    await client.close()


async def test_without_a_conversation_every_conversation_of_the_viewer_arrives(db, live_servers):
    # given a parent of two children subscribed to all their conversations
    server: Server = live_servers[0]
    t = await factories.tenant()
    parent = await factories.token_for(t.parent)
    staff = await factories.token_for(t.staff)
    bso_staff = await factories.token_for(t.bso_staff)
    first = await start_conversation(server.gql, parent, t.child.id, "Over Sam")
    after = await event_cursor(server.gql, parent)
    client = await GraphQLSocket.connect(server.ws_url, parent)
    op = await client.subscribe(MESSAGE_ADDED, {"after": after})
    # when staff answer, and BSO staff start a conversation about the sibling afterwards
    await send(server.gql, staff, first["conversation"]["id"], "Antwoord over Sam")
    await start_conversation(server.gql, bso_staff, t.sibling.id, "Nieuw over Noor")
    # then both arrive, in order
    assert bodies(await client.results(op, 2)) == ["Antwoord over Sam", "Nieuw over Noor"]
    await client.close()


async def test_staff_of_the_group_receive_and_nobody_else_does(db, live_servers):
    # given staff of the group, staff of another group and another parent, all subscribed
    server: Server = live_servers[0]
    t = await factories.tenant()
    parent = await factories.token_for(t.parent)
    other_parent = await factories.token_for(t.other_parent)
    staff = await factories.token_for(t.staff)
    bso_staff = await factories.token_for(t.bso_staff)
    after = await event_cursor(server.gql, parent)
    listeners = {
        name: await GraphQLSocket.connect(server.ws_url, token)
        for name, token in [("staff", staff), ("bso", bso_staff), ("other", other_parent)]
    }
    ops = {
        name: await c.subscribe(MESSAGE_ADDED, {"after": after}) for name, c in listeners.items()
    }
    # when the parent writes to the baby group, then each outsider gets a marker of their own
    await start_conversation(server.gql, parent, t.child.id, "Voor de Boompjes")
    await start_conversation(server.gql, bso_staff, t.bso_child.id, "Marker voor BSO")
    await start_conversation(server.gql, other_parent, t.other_child.id, "Marker van Daan")
    # then staff of the group see the parent's message first; the others only their markers
    staff_seen = bodies(await listeners["staff"].results(ops["staff"], 2))
    assert staff_seen == ["Voor de Boompjes", "Marker van Daan"]
    assert bodies(await listeners["bso"].results(ops["bso"], 1)) == ["Marker voor BSO"]
    other_seen = bodies(await listeners["other"].results(ops["other"], 2))
    assert other_seen == ["Marker voor BSO", "Marker van Daan"]
    for client in listeners.values():
        await client.close()


async def test_reconnecting_with_after_replays_what_was_missed_then_goes_live(db, live_servers):
    # given a parent who saw the first message, then went away while three more were sent
    server: Server = live_servers[0]
    t = await factories.tenant()
    parent = await factories.token_for(t.parent)
    staff = await factories.token_for(t.staff)
    conversation = (await start_conversation(server.gql, parent, t.child.id))["conversation"]["id"]
    after = await event_cursor(server.gql, parent)
    client = await GraphQLSocket.connect(server.ws_url, parent)
    op = await client.subscribe(MESSAGE_ADDED, {"conversationId": conversation, "after": after})
    await send(server.gql, staff, conversation, "1")
    [seen] = cursors(await client.results(op, 1))
    await client.close()
    for body in ("2", "3", "4"):
        await send(server.gql, staff, conversation, body)
    # when they reconnect with the cursor of the last message they saw
    client = await GraphQLSocket.connect(server.ws_url, parent)
    op = await client.subscribe(MESSAGE_ADDED, {"conversationId": conversation, "after": seen})
    replayed = bodies(await client.results(op, 3))
    await send(server.gql, staff, conversation, "5")
    live = bodies(await client.results(op, 1))
    # then
    assert replayed + live == ["2", "3", "4", "5"]
    await client.close()


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_messages_sent_during_the_replay_arrive_once_and_in_commit_order(
    db, live_servers, protocol
):
    # given 20 messages the parent missed
    server: Server = live_servers[0]
    t = await factories.tenant()
    parent = await factories.token_for(t.parent)
    staff = await factories.token_for(t.staff)
    conversation = (await start_conversation(server.gql, parent, t.child.id))["conversation"]["id"]
    after = await event_cursor(server.gql, parent)
    for n in range(20):
        await send(server.gql, staff, conversation, f"gemist {n}")

    # when the parent reconnects while staff send 50 more messages concurrently
    async def reconnect() -> tuple[GraphQLSocket, str]:
        client = await GraphQLSocket.connect(server.ws_url, parent, protocol=protocol)
        variables = {"conversationId": conversation, "after": after}
        return client, await client.subscribe(MESSAGE_ADDED, variables)

    sending = [send(server.gql, staff, conversation, f"live {n}") for n in range(50)]
    (client, op), *_ = await asyncio.gather(reconnect(), *sending)
    received = await client.results(op, 70)
    # then every message arrives exactly once, in the order the server committed them
    committed = await server.gql(
        """query($id: ID!) { node(id: $id) { ... on Conversation {
             messages(first: 100) { edges { node { id } } } } } }""",
        {"id": conversation},
        token=parent,
    )
    newest_first = [e["node"]["id"] for e in committed["data"]["node"]["messages"]["edges"]]
    topic = f"conversation:{pk_of(conversation, 'Conversation')}"
    events = await Event.filter(topic=topic).order_by("id")
    in_commit_order = [gid("Message", e.payload["message_id"]) for e in events][1:]
    assert message_ids(received) == in_commit_order
    assert message_ids(received) == list(reversed(newest_first))[1:]  # but the opening one
    assert len(set(cursors(received))) == 70
    await client.close()


async def test_a_parent_whose_access_ended_stops_receiving(db, live_servers):
    # given a parent subscribed to all their conversations, about two children
    server: Server = live_servers[0]
    t = await factories.tenant()
    staff = await factories.token_for(t.staff)
    bso_staff = await factories.token_for(t.bso_staff)
    hearing = await parent_hearing_both_children(server, t)
    # when their guardianship of Sam ends and both groups write
    await Guardianship.filter(user_id=t.parent.id, child_id=t.child.id).delete()
    await send(server.gql, staff, hearing.sam, "Over Sam")
    await send(server.gql, bso_staff, hearing.noor, "Over Noor")
    # then only Noor's message arrives
    assert bodies(await hearing.client.results(hearing.op, 1)) == ["Over Noor"]
    await hearing.client.close()


async def test_staff_who_left_a_group_stop_receiving_its_messages(db, live_servers):
    # given staff working in both groups, subscribed to all their conversations
    server: Server = live_servers[0]
    t = await factories.tenant()
    await factories.assign(t.staff, t.bso)
    parent = await factories.token_for(t.parent)
    other_parent = await factories.token_for(t.other_parent)
    staff = await factories.token_for(t.staff)
    babies = (await start_conversation(server.gql, parent, t.child.id))["conversation"]["id"]
    bso = (await start_conversation(server.gql, other_parent, t.bso_child.id))["conversation"]
    after = await event_cursor(server.gql, parent)
    client = await GraphQLSocket.connect(server.ws_url, staff)
    op = await client.subscribe(MESSAGE_ADDED, {"after": after})
    # when they leave the baby group and both groups get a message
    yesterday = clock.today() - timedelta(days=1)
    await StaffAssignment.filter(user_id=t.staff.id, group_id=t.babies.id).update(
        end_date=yesterday
    )
    await send(server.gql, parent, babies, "Niet meer voor jou")
    await send(server.gql, other_parent, bso["id"], "Wel voor jou")
    # then only the BSO message arrives, and the baby conversation is refused from now on
    assert bodies(await client.results(op, 1)) == ["Wel voor jou"]
    again = await client.subscribe(MESSAGE_ADDED, {"conversationId": babies})
    refused = await client.next_result(again)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    await client.close()


async def test_a_revoked_session_closes_the_socket(db, live_servers):
    # given a subscribed parent
    server: Server = live_servers[0]
    t = await factories.tenant()
    parent = await factories.token_for(t.parent)
    staff = await factories.token_for(t.staff)
    conversation = (await start_conversation(server.gql, parent, t.child.id))["conversation"]["id"]
    after = await event_cursor(server.gql, parent)
    client = await GraphQLSocket.connect(server.ws_url, parent)
    await client.subscribe(MESSAGE_ADDED, {"conversationId": conversation, "after": after})
    # when they log out elsewhere and a message arrives
    assert (await server.gql("mutation { logout }", token=parent))["data"]["logout"] is True
    await send(server.gql, staff, conversation, "Na het uitloggen")
    # then the socket is closed instead of delivering it
    closed = await client.wait_closed()
    assert closed.code == 4401


async def test_the_socket_closes_when_the_session_expires(db, live_servers):
    # given a parent whose session expires in two seconds (the servers use the real clock)
    server: Server = live_servers[0]
    t = await factories.tenant()
    parent = await factories.token_for(t.parent)
    soon = datetime.now(UTC) + timedelta(seconds=2)
    await Session.filter(user_id=t.parent.id).update(expires_at=soon)
    client = await GraphQLSocket.connect(server.ws_url, parent)
    await client.subscribe(MESSAGE_ADDED, {})
    # when nothing happens / then the socket is closed once the session has expired
    closed = await client.wait_closed()
    assert closed.code == 4401
    assert datetime.now(UTC) >= soon


async def test_a_subscription_needs_a_logged_in_viewer(db, live_servers):
    server: Server = live_servers[0]
    client = await GraphQLSocket.connect(server.ws_url, None)
    op = await client.subscribe(MESSAGE_ADDED, {})
    message = await client.receive()
    assert message["id"] == op
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
    await client.close()


async def test_a_conversation_of_someone_else_is_refused(db, live_servers):
    # given a conversation of another family, and one of another organisation
    server: Server = live_servers[0]
    t = await factories.tenant()
    elsewhere = await factories.tenant("zon")
    theirs = await start_conversation(
        server.gql, await factories.token_for(t.other_parent), t.other_child.id
    )
    foreign = await start_conversation(
        server.gql, await factories.token_for(elsewhere.parent), elsewhere.child.id
    )
    client = await GraphQLSocket.connect(server.ws_url, await factories.token_for(t.parent))
    # when
    results = []
    for conversation in (theirs["conversation"]["id"], foreign["conversation"]["id"]):
        op = await client.subscribe(MESSAGE_ADDED, {"conversationId": conversation})
        results.append(await client.next_result(op))
    # then
    assert [r["errors"][0]["extensions"]["code"] for r in results] == ["FORBIDDEN", "NOT_FOUND"]
    await client.close()


async def test_a_cursor_that_is_not_a_live_cursor_is_bad_input(db, live_servers):
    server: Server = live_servers[0]
    t = await factories.tenant()
    parent = await factories.token_for(t.parent)
    client = await GraphQLSocket.connect(server.ws_url, parent)
    op = await client.subscribe(MESSAGE_ADDED, {"after": "MQ"})  # a message page cursor
    result = await client.next_result(op)
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    await client.close()


SHARED_AND_OWN = """
subscription($after: String) {
  messageAdded(after: $after) {
    cursor
    node { id body author { name } isMine }
  }
}"""


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_two_guardians_on_one_server_get_the_shared_result_and_their_own(
    db, live_servers, protocol
):
    # given both guardians of a child on the same server process, each with a selection that
    # is the same for every viewer and one that depends on the viewer (isMine), subscribed in
    # a different order (so each connection has its own operation ids)
    server: Server = live_servers[0]
    t = await factories.tenant()
    co_parent = await factories.user(t.org)
    await Guardianship.create(child=t.child, user=co_parent)
    parent = await factories.token_for(t.parent)
    other = await factories.token_for(co_parent)
    started = await start_conversation(server.gql, parent, t.child.id, "Over Sam")
    after = await event_cursor(server.gql, parent)
    a = await GraphQLSocket.connect(server.ws_url, parent, protocol=protocol)
    b = await GraphQLSocket.connect(server.ws_url, other, protocol=protocol)
    a_shared = await a.subscribe(MESSAGE_ADDED, {"after": after})
    a_own = await a.subscribe(SHARED_AND_OWN, {"after": after})
    b_own = await b.subscribe(SHARED_AND_OWN, {"after": after})
    b_shared = await b.subscribe(MESSAGE_ADDED, {"after": after})
    assert (a_shared, b_shared) == ("1", "2")
    # when the first guardian writes
    await send(server.gql, parent, started["conversation"]["id"], "Sam is jarig")
    # then both get the same result of the shared selection, each under its own operation id
    [a_result] = await a.results(a_shared, 1)
    [b_result] = await b.results(b_shared, 1)
    assert a_result == b_result
    assert bodies([a_result]) == ["Sam is jarig"]
    # and the viewer-dependent selection is each viewer's own
    [mine] = await a.results(a_own, 1)
    [theirs] = await b.results(b_own, 1)
    assert mine["data"]["messageAdded"]["node"]["isMine"] is True
    assert theirs["data"]["messageAdded"]["node"]["isMine"] is False
    assert mine["data"]["messageAdded"]["node"]["id"] == message_ids([a_result])[0]
    await a.close()
    await b.close()
