"""The GraphQL WebSocket endpoint: authentication in connection_init, its timeout, keep-alive,
the cap on subscriptions per connection and allowed origins. Real sockets, real server."""

from __future__ import annotations

import asyncio
import json

import pytest
import websockets

from tests import factories
from tests.live import GraphQLSocket, Server
from tests.messaging_samples import MESSAGE_ADDED

PROTOCOLS = ["graphql-transport-ws", "graphql-ws"]


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_connection_without_connection_init_is_closed_after_the_timeout(
    db, live_servers, protocol
):
    # given a socket that never sends connection_init (the test server waits 3 seconds)
    server: Server = live_servers[0]
    client = await GraphQLSocket.open(server.ws_url, protocol=protocol)
    # when / then
    closed = await client.wait_closed()
    assert closed.code == 4408


async def test_graphql_transport_ws_gets_server_pings(db, live_servers):
    server: Server = live_servers[0]
    t = await factories.tenant()
    client = await GraphQLSocket.connect(server.ws_url, await factories.token_for(t.parent))
    # when waiting on a quiet connection (pings every half second on the test server)
    with pytest.raises(TimeoutError):
        await client.receive(seconds=2)
    # then the server pinged and the client answered
    assert client.pings >= 1
    await client.close()


async def test_a_connection_that_stops_answering_pings_is_timed_out(db, start_server):
    # given a server that pings every half second and waits a second for an answer, and two
    # connected parents: one whose app answers the pings, one whose app went quiet
    server = await start_server(WS_KEEPALIVE_TIMEOUT_SECONDS="1")
    t = await factories.tenant()
    token = await factories.token_for(t.parent)
    answering = await GraphQLSocket.connect(server.ws_url, token, ping_interval=None)
    quiet = await GraphQLSocket.connect(server.ws_url, token, ping_interval=None)
    # when three seconds pass (the answering one sees nothing else: no close), the quiet one
    # reading but never answering
    with pytest.raises(TimeoutError):
        await answering.receive(seconds=3)
    pings = 0
    with pytest.raises(websockets.ConnectionClosed):
        async with asyncio.timeout(5):
            while True:
                pings += json.loads(await quiet.ws.recv())["type"] == "ping"
    # then the quiet one was pinged, and closed with 1011 once a ping went unanswered for
    # the timeout; the answering one is still open
    assert pings >= 1
    assert quiet.ws.close_code == 1011
    assert answering.pings >= 4
    await answering.close()


async def test_graphql_ws_gets_keep_alive_messages(db, live_servers):
    server: Server = live_servers[0]
    t = await factories.tenant()
    token = await factories.token_for(t.parent)
    client = await GraphQLSocket.connect(server.ws_url, token, protocol="graphql-ws")
    with pytest.raises(TimeoutError):
        await client.receive(seconds=2)
    assert client.keep_alives >= 1
    await client.close()


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_at_most_twenty_subscriptions_per_connection(db, live_servers, protocol):
    # given a connection with 20 running subscriptions
    server: Server = live_servers[0]
    t = await factories.tenant()
    client = await GraphQLSocket.connect(
        server.ws_url, await factories.token_for(t.parent), protocol=protocol
    )
    for _ in range(20):
        await client.subscribe(MESSAGE_ADDED, {})
    # when a 21st is started
    op = await client.subscribe(MESSAGE_ADDED, {})
    # then it is refused
    message = await client.next_message(op)
    assert message["type"] == "error"
    assert "Subscription limit reached" in str(message["payload"])
    await client.close()


async def test_a_page_on_a_foreign_origin_cannot_open_a_socket(db, live_servers):
    server: Server = live_servers[0]
    with pytest.raises(websockets.InvalidStatus) as refused:
        await GraphQLSocket.open(server.ws_url, origin="https://evil.example")
    assert refused.value.response.status_code == 403


async def test_an_allowed_origin_and_a_client_without_origin_may_connect(db, live_servers):
    server: Server = live_servers[0]
    t = await factories.tenant()
    token = await factories.token_for(t.parent)
    for origin in ("http://localhost:3000", None):
        client = await GraphQLSocket.connect(server.ws_url, token, origin=origin)
        await client.close()


async def test_a_bad_token_is_refused_in_connection_init(db, live_servers):
    server: Server = live_servers[0]
    # graphql-transport-ws closes with 4403
    client = await GraphQLSocket.open(server.ws_url)
    await client.send({"type": "connection_init", "payload": {"authorization": "Bearer nope"}})
    assert (await client.wait_closed()).code == 4403
    # the legacy protocol answers connection_error
    legacy = await GraphQLSocket.open(server.ws_url, protocol="graphql-ws")
    await legacy.send({"type": "connection_init", "payload": {"token": "nope"}})
    message = await legacy.receive()
    assert message["type"] == "connection_error"
    assert message["payload"]["code"] == "UNAUTHENTICATED"


async def test_the_token_may_also_be_given_as_token(db, live_servers):
    server: Server = live_servers[0]
    t = await factories.tenant()
    token = await factories.token_for(t.parent)
    client = await GraphQLSocket.open(server.ws_url)
    await client.send({"type": "connection_init", "payload": {"token": token}})
    assert (await client.receive())["type"] == "connection_ack"
    op = await client.subscribe("query { viewer { user { email } } }")
    result = await client.next_result(op)
    assert result["data"]["viewer"]["user"]["email"] == t.parent.email
    await client.close()


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_an_operation_after_the_session_ended_closes_the_socket(db, live_servers, protocol):
    # given an open, authenticated connection
    server: Server = live_servers[0]
    t = await factories.tenant()
    token = await factories.token_for(t.parent)
    client = await GraphQLSocket.connect(server.ws_url, token, protocol=protocol)
    # when the session is logged out elsewhere and the socket is used again
    assert (await server.gql("mutation { logout }", token=token))["data"]["logout"] is True
    await client.subscribe("query { viewer { user { email } } }")
    # then
    assert (await client.wait_closed()).code == 4401


@pytest.mark.parametrize(
    ("frame", "reason"),
    [
        ("geen json", "WebSocket message must be valid JSON"),
        (b'{"type": "ping"}', "WebSocket message type must be text"),
    ],
)
async def test_a_message_that_is_not_json_text_closes_the_socket_with_4400(
    db, live_servers, frame, reason
):
    # given an initialised graphql-transport-ws connection
    server: Server = live_servers[0]
    t = await factories.tenant()
    client = await GraphQLSocket.connect(server.ws_url, await factories.token_for(t.parent))
    # when the client sends something that is not a JSON text message
    await client.ws.send(frame)
    # then the server closes the socket, saying why
    closed = await client.wait_closed()
    assert (closed.code, closed.reason) == (4400, reason)
