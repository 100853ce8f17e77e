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

from subscriptions.lean_protocol import FAST_TEXT, PONG, Flag, Inbox, LeanWebSocketProtocol


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
async def lean_server(app=None) -> AsyncIterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        app or fast_text_app,
        host="127.0.0.1",
        port=port,
        ws=LeanWebSocketProtocol,
        log_level="warning",
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
