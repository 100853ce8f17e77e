"""subscriptions.outbox: a socket's frames of one batch go out together at its last, in one
write, in order, and never ahead of frames still waiting on a paused socket."""

from __future__ import annotations

import asyncio

from subscriptions.outbox import Outbox


class Socket:
    """What an outbox writes to: the synchronous writes (one list per write, as one system
    call), and an ASGI-like `send` that waits on `paused` while it is set."""

    def __init__(self, writable: bool = True) -> None:
        self.writable = writable
        self.writes: list[list[str]] = []
        self.sent: list[str] = []
        self.paused: asyncio.Future[None] | None = None
        self.overflows = 0

    def write(self, text: str) -> bool:
        if self.writable and self.paused is None:
            self.writes.append([text])
        return self.writable and self.paused is None

    def write_many(self, texts: list[str]) -> bool:
        if self.writable and self.paused is None:
            self.writes.append(list(texts))
        return self.writable and self.paused is None

    async def send(self, text: str) -> None:
        if self.paused is not None:
            await self.paused
        self.sent.append(text)

    def overflow(self) -> None:
        self.overflows += 1

    def outbox(self, limit: int = 10) -> Outbox:
        return Outbox(self.send, limit, self.overflow, self.write, self.write_many)


def test_a_sockets_frames_of_a_batch_go_out_in_one_write_at_its_last():
    # given two sockets' outboxes
    one, two = Socket(), Socket()
    first, second = one.outbox(), two.outbox()
    holding: list[Outbox] = []
    # when a batch adds two frames for the first, then one (its last) for the second
    first.add("a", False, holding)
    second.add("x", True, holding)
    first.add("b", False, holding)
    # then the second's frame went out at once; the first's wait, the outbox joined once
    assert (one.writes, two.writes) == ([], [["x"]])
    assert holding == [first]
    # and with the first's last frame all three go out in one write, in order
    first.add("c", True, holding)
    assert one.writes == [["a", "b", "c"]]
    # and a flush with nothing held writes nothing
    first.flush()
    assert one.writes == [["a", "b", "c"]]


def test_frames_held_are_written_by_a_flush():
    # given a socket with two frames held (its last frame of the batch never came)
    socket = Socket()
    outbox = socket.outbox()
    holding: list[Outbox] = []
    outbox.add("a", False, holding)
    outbox.add("b", False, holding)
    # when the batch's outboxes are flushed
    for held in holding:
        held.flush()
    # then both went out in one write
    assert socket.writes == [["a", "b"]]


def test_several_frames_go_the_usual_way_one_by_one_when_the_socket_refuses_a_write():
    # given a socket whose synchronous writes are refused (e.g. permessage-deflate)
    socket = Socket(writable=False)
    outbox = socket.outbox()
    # when two frames are put at once
    outbox.put_many(["a", "b"])
    # then both went through `send`, in order
    assert socket.writes == []
    assert socket.sent == ["a", "b"]


async def test_several_frames_wait_behind_frames_still_waiting_and_keep_the_limit():
    # given a socket that paused with one frame waiting, then took frames again (before the
    # outbox's task could write the waiting frame), and a limit of three frames
    socket = Socket()
    outbox = socket.outbox(limit=3)
    socket.paused = asyncio.get_running_loop().create_future()
    outbox.put("first")
    assert socket.sent == [] and socket.writes == []
    paused, socket.paused = socket.paused, None
    paused.set_result(None)
    # when four frames are put at once
    outbox.put_many(["a", "b", "c", "d"])
    # then none was written ahead of the waiting one: three wait, the fourth overflowed
    assert socket.writes == []
    assert outbox.waiting == 3 and socket.overflows == 1
    # and they go out in order
    for _ in range(20):
        await asyncio.sleep(0)
    assert socket.sent == ["first", "a", "b", "c"]
    assert outbox.waiting == 0
