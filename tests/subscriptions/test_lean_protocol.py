"""subscriptions.lean_protocol: the inbox and flag that stand in for uvicorn's asyncio.Queue
and asyncio.Event (every test socket runs through the protocol itself: tests/live.py)."""

from __future__ import annotations

import asyncio

import pytest

from subscriptions.lean_protocol import Flag, Inbox


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
