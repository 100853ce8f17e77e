"""subscriptions.lean_protocol: the inbox and flag that stand in for uvicorn's asyncio.Queue
and asyncio.Event (every test socket runs through the protocol itself: tests/live.py)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator

import pytest
import uvicorn
import websockets

from subscriptions.lean_protocol import (
    FAST_TEXT,
    FAST_TEXTS,
    KEEPALIVE,
    PONG,
    Flag,
    Inbox,
    LeanWebSocketProtocol,
)


async def test_the_inbox_hands_messages_out_in_the_order_they_came():
    # given an inbox with two messages, and a reader waiting for a third
    inbox = Inbox()
    inbox.put_nowait("a")
    inbox.put_nowait("b")
    # when they are read, and a third arrives while reading
    first, second = await inbox.get(), await inbox.get()
    reading = asyncio.ensure_future(inbox.get())
    await asyncio.sleep(0)
    assert not reading.done() and inbox.empty()
    inbox.put_nowait("c")
    # then each comes once, in order
    assert (first, second, await reading) == ("a", "b", "c")
    assert inbox.empty() and inbox.qsize() == 0


async def test_a_reader_cancelled_after_it_was_woken_leaves_the_message_for_the_next():
    # given two readers waiting
    inbox = Inbox()
    one = asyncio.ensure_future(inbox.get())
    two = asyncio.ensure_future(inbox.get())
    await asyncio.sleep(0)
    # when a message wakes the first, which is cancelled before it runs
    inbox.put_nowait("m")
    one.cancel()
    # then the second reader gets the message
    assert await two == "m"
    with pytest.raises(asyncio.CancelledError):
        await one


async def test_the_flag_lets_waiters_through_once_set_and_holds_them_once_cleared():
    # given a cleared flag with a waiter
    flag = Flag()
    waiting = asyncio.ensure_future(flag.wait())
    await asyncio.sleep(0)
    assert not waiting.done() and not flag.is_set()
    # when it is set
    flag.set()
    # then the waiter goes on, and a new wait returns at once
    assert await waiting is True
    assert await flag.wait() is True
    # and once cleared, a waiter waits again (and a cancelled one leaves no trace)
    flag.clear()
    held = asyncio.ensure_future(flag.wait())
    await asyncio.sleep(0)
    assert not held.done()
    held.cancel()
    with pytest.raises(asyncio.CancelledError):
        await held
    flag.set()
    assert flag.is_set()


async def fast_text_app(scope, receive, send):
    """Accepts, then writes frames of three header sizes through FAST_TEXT when offered
    (each with whether it went that way), then the results the usual way."""
    assert scope["type"] == "websocket"
    await receive()  # websocket.connect
    await send({"type": "websocket.accept"})
    write = scope["extensions"].get(FAST_TEXT)
    written = []
    for size in (5, 300, 70_000):
        text = "é" + "x" * size
        written.append(write is not None and write(text))
        if not written[-1]:
            await send({"type": "websocket.send", "text": text})
    await send({"type": "websocket.send", "text": json.dumps(written)})
    await receive()  # until the client closes


async def fast_texts_app(scope, receive, send):
    """Accepts, then writes frames of three header sizes in one call through FAST_TEXTS when
    offered, then whether it went that way and how many times the transport was written to
    meanwhile, the usual way."""
    await receive()  # websocket.connect
    await send({"type": "websocket.accept"})
    transport = scope["extensions"][KEEPALIVE].transport
    writes = []
    transport.write = lambda data, write=transport.write: writes.append(write(data))
    write_many = scope["extensions"].get(FAST_TEXTS)
    texts = ["é" + "x" * size for size in (5, 300, 70_000)]
    fast = write_many is not None and write_many(texts)
    if not fast:
        for text in texts:
            await send({"type": "websocket.send", "text": text})
    await send({"type": "websocket.send", "text": json.dumps([fast, len(writes)])})
    await receive()  # until the client closes


async def echo_app(scope, receive, send):
    """Accepts (with the first subprotocol asked for), notes every text that reaches it until
    `done`, then sends them back as a JSON list."""
    await receive()  # websocket.connect
    subprotocols = scope["subprotocols"]
    await send(
        {"type": "websocket.accept", "subprotocol": subprotocols[0] if subprotocols else None}
    )
    texts = []
    while (message := await receive())["type"] == "websocket.receive":
        if message["text"] == "done":
            await send({"type": "websocket.send", "text": json.dumps(texts)})
        else:
            texts.append(message["text"])


@contextlib.asynccontextmanager
async def lean_server(app=None, **options) -> AsyncIterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        app or fast_text_app,
        host="127.0.0.1",
        port=port,
        ws=LeanWebSocketProtocol,
        log_level="warning",
        **options,
    )
    server = uvicorn.Server(config)
    serving = asyncio.ensure_future(server.serve())
    for _ in range(500):
        if server.started:
            break
        await asyncio.sleep(0.01)
    try:
        yield f"ws://127.0.0.1:{port}/"
    finally:
        server.should_exit = True
        await serving


@pytest.mark.parametrize("compression", [None, "deflate"])
async def test_text_frames_written_without_the_asgi_send_arrive_whole(compression):
    async with asyncio.timeout(10), lean_server() as url:
        # given a client with or without permessage-deflate
        async with websockets.connect(url, compression=compression, max_size=None) as client:
            # when the application writes frames of 6, 301 and 70,001 characters
            received = [await client.recv() for _ in range(4)]
        # then each arrives whole, in order; the fast way is taken only without compression
        assert [len(text) for text in received[:3]] == [6, 301, 70_001]
        assert all(text.startswith("éx") for text in received[:3])
        assert json.loads(received[3]) == [compression is None] * 3


@pytest.mark.parametrize("compression", [None, "deflate"])
async def test_several_text_frames_go_out_in_one_write_and_arrive_whole(compression):
    async with asyncio.timeout(10), lean_server(fast_texts_app) as url:
        # given a client with or without permessage-deflate
        async with websockets.connect(url, compression=compression, max_size=None) as client:
            # when the application writes frames of 6, 301 and 70,001 characters at once
            received = [await client.recv() for _ in range(4)]
        # then each arrives whole, in order; without compression in one write to the socket
        assert [len(text) for text in received[:3]] == [6, 301, 70_001]
        assert all(text.startswith("éx") for text in received[:3])
        assert json.loads(received[3]) == ([True, 1] if compression is None else [False, 3])


@pytest.mark.parametrize("subprotocol", ["graphql-transport-ws", "graphql-ws", None])
async def test_a_graphql_pong_goes_no_further_than_the_protocol(subprotocol):
    async with asyncio.timeout(10), lean_server(echo_app) as url:
        # given a client of one of the GraphQL WebSocket protocols (or of none)
        subprotocols = [subprotocol] if subprotocol else None
        async with websockets.connect(url, subprotocols=subprotocols) as client:
            # when it sends pongs as clients do, a pong written otherwise and other messages
            for text in [PONG.decode(), '{"type": "pong"}', '{"type":"ping"}', PONG.decode()]:
                await client.send(text)
            await client.send("done")
            reached = json.loads(await client.recv())
    # then the application got everything but the exact pongs (of a GraphQL protocol)
    if subprotocol is None:
        assert reached == [PONG.decode(), '{"type": "pong"}', '{"type":"ping"}', PONG.decode()]
    else:
        assert reached == ['{"type": "pong"}', '{"type":"ping"}']


async def frames_within(url: str, subprotocol: str, seconds: float) -> list[int]:
    """Open a WebSocket with a raw socket (nothing answers for it) and return the first byte
    of every frame the server sends within `seconds`."""
    host, port = url.removeprefix("ws://").strip("/").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(
        (
            f"GET / HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            f"Sec-WebSocket-Protocol: {subprotocol}\r\n\r\n"
        ).encode()
    )
    response = await reader.readuntil(b"\r\n\r\n")
    assert b" 101 " in response
    data = b""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            while chunk := await reader.read(4096):
                data += chunk
    writer.close()
    firsts, at = [], 0
    while at + 2 <= len(data):
        firsts.append(data[at])
        at += 2 + (data[at + 1] & 0x7F)  # (the server's frames here are small: pings)
    return firsts


@pytest.mark.parametrize(
    ("subprotocol", "pinged"), [("graphql-transport-ws", False), ("graphql-ws", True)]
)
async def test_uvicorn_pings_only_connections_the_servers_keep_alive_does_not_watch(
    subprotocol, pinged
):
    async with asyncio.timeout(10), lean_server(echo_app, ws_ping_interval=0.1) as url:
        # given uvicorn pinging every 0.1 s, and a client of one of the GraphQL protocols
        # when it waits half a second
        firsts = await frames_within(url, subprotocol, 0.5)
    # then only a graphql-ws connection got uvicorn's pings (graphql-transport-ws gets the
    # server's own: subscriptions.keepalive)
    assert (0x89 in firsts) is pinged
    assert all(first == 0x89 for first in firsts)


async def watched_app(scope, receive, send):
    """Accepts, waits for a message, then sends how far `heard_at` moved meanwhile (in
    seconds) and times the connection out."""
    await receive()  # websocket.connect
    await send({"type": "websocket.accept", "subprotocol": "graphql-transport-ws"})
    watched = scope["extensions"][KEEPALIVE]
    before = watched.heard_at
    await asyncio.sleep(0.2)
    await receive()
    await send({"type": "websocket.send", "text": json.dumps(watched.heard_at - before)})
    watched.time_out()
    await receive()  # websocket.disconnect


async def test_the_keep_alive_sees_when_the_peer_was_last_heard_and_can_time_it_out():
    # given a graphql-transport-ws client
    async with (
        asyncio.timeout(10),
        lean_server(watched_app) as url,
        websockets.connect(url, subprotocols=["graphql-transport-ws"]) as client,
    ):
        # when it sends a message after a while
        await asyncio.sleep(0.2)
        await client.send("hallo")
        moved = json.loads(await client.recv())
        # then the protocol heard it then, and its time-out closes the socket with 1011
        assert moved >= 0.2
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await client.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1011
