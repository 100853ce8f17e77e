"""An outbox per WebSocket: frames written now, without a task or an await per frame.

Direct delivery (`subscriptions.direct`) writes thousands of frames per second from one
loop. Awaiting the ASGI `send` for each would cost a task switch per frame; yet with
uvicorn's WebSocket protocols `send` finishes without suspending whenever the socket is
writable: it only waits while the transport is paused (the client does not read). So `put`
runs the send coroutine right away (`coroutine.send(None)`): it either completes there, or
it suspends on the transport, and then one task finishes it and writes what arrived
meanwhile, in order. At most `limit` frames wait; one more calls `on_overflow` (the
connection closes with 4013: too slow) and the frame is dropped. Where the server offers a
synchronous `write` (`subscriptions.lean_protocol.FAST_TEXT`), a frame goes through it
whenever nothing waits and it accepts the frame.

Several frames go out in one write (`put_many`: through `write_many`, `FAST_TEXTS`, one
system call; otherwise one `put` each, in order). While a batch of events is written, a
socket's frames are held (`add`) until its last frame of the batch, then written together;
a socket with one frame in the batch gets it at once. Nothing awaits in between, so no frame
waits longer than the batch's own loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

logger = logging.getLogger(__name__)


class Outbox:
    __slots__ = (
        "_backlog",
        "_held",
        "_send",
        "_task",
        "_write",
        "_write_many",
        "limit",
        "on_overflow",
    )

    def __init__(
        self,
        send: Callable[[str], Awaitable[None]],
        limit: int,
        on_overflow: Callable[[], None],
        write: Callable[[str], bool] | None = None,
        write_many: Callable[[list[str]], bool] | None = None,
    ) -> None:
        self._send = send
        self._write = write
        self._write_many = write_many
        self._held: list[str] | None = None  # frames of the batch being written (`add`)
        self.limit = limit
        self.on_overflow = on_overflow
        self._backlog: deque[str] | None = None  # only while a send waits on the transport
        self._task: asyncio.Task[None] | None = None

    @property
    def waiting(self) -> int:
        """Frames not written yet (0 unless the client stopped reading)."""
        return len(self._backlog) if self._backlog is not None else 0

    def put(self, text: str) -> None:
        backlog = self._backlog
        if backlog is not None:
            if len(backlog) >= self.limit:
                self.on_overflow()
                return
            backlog.append(text)
            return
        write = self._write
        if write is not None and write(text):
            return
        coroutine = self._send(text)
        assert isinstance(coroutine, Coroutine)
        try:
            waiting_on = coroutine.send(None)
        except StopIteration:
            return  # written
        except Exception as exc:  # the socket is gone: its handler is shutting down
            logger.debug("live frame not written: %s", exc)
            return
        self._backlog = deque()
        self._task = asyncio.ensure_future(self._finish(coroutine, waiting_on))

    def put_many(self, texts: list[str]) -> None:
        """`put` each of `texts`, in order: in one write when nothing waits and the server
        takes several frames at once."""
        if len(texts) > 1:
            write_many = self._write_many
            if self._backlog is None and write_many is not None and write_many(texts):
                return
        for text in texts:
            self.put(text)

    def add(self, text: str, last: bool, holding: list[Outbox]) -> None:
        """A frame of a batch: held until the socket's `last` frame of the batch, then
        written with the frames held before it (`put_many`). The outbox joins `holding`
        (the batch's outboxes to `flush` in the end) when it first holds one."""
        held = self._held
        if held is None:
            if last:
                self.put(text)
                return
            self._held = [text]
            holding.append(self)
            return
        held.append(text)
        if last:
            self.flush()

    def flush(self) -> None:
        """Write the frames held (`add`), if any."""
        held, self._held = self._held, None
        if held:
            self.put_many(held)

    async def close(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(BaseException):
                await task

    async def _finish(self, coroutine: Coroutine[Any, Any, Any], waiting_on: Any) -> None:
        try:
            await _resume(coroutine, waiting_on)
            backlog = self._backlog
            while backlog:
                await self._send(backlog.popleft())
        except Exception as exc:
            logger.debug("live frames not written: %s", exc)
        finally:
            self._backlog = None
            self._task = None


async def _resume(coroutine: Coroutine[Any, Any, Any], waiting_on: Any) -> None:
    """Run a coroutine that suspended on `waiting_on` to its end, as a task would: resume
    it whenever what it waits on is done (its outcome is read inside the coroutine)."""
    try:
        while True:
            if waiting_on is None:  # a bare yield: run again on the next turn
                await asyncio.sleep(0)
            else:
                waiting_on._asyncio_future_blocking = False
                await asyncio.wait([waiting_on])
            try:
                waiting_on = coroutine.send(None)
            except StopIteration:
                return
    except BaseException:
        coroutine.close()
        raise
