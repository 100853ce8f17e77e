"""The background loop: fan out events, send due notifications, build queued archives.

Started by the server's lifespan (unless NOTIFICATIONS_WORKER=false) or on its own:

    python -m services.notifications.worker

Several workers (processes) may run at once: cursors are locked per organisation and
deliveries claimed one by one, so nothing is sent twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

import settings
from services.events import Publisher
from services.notifications import dispatch

logger = logging.getLogger("ouderlink.notifications")

Step = Callable[[], Awaitable[object]]


def _archives_step(publisher: Publisher | None) -> Step:
    async def build_archives() -> object:
        from services import archives  # late: archives pulls in much of the domain

        return await archives.build_queued(publisher=publisher)

    return build_archives


class Worker:
    def __init__(
        self,
        interval: float | None = None,
        steps: list[Step] | None = None,
        publisher: Publisher | None = None,
        name: str = "notifications",
    ) -> None:
        self.interval = settings.NOTIFICATIONS_POLL_SECONDS if interval is None else interval
        self.steps: list[Step] = steps or [dispatch.run_once, _archives_step(publisher)]
        self.name = name  # the webhook worker is this loop with its own steps
        self._task: asyncio.Task | None = None
        self._wake = asyncio.Event()

    async def run_once(self) -> None:
        for step in self.steps:
            try:
                await step()
            except Exception:  # the loop survives a bad round; the rows stay for the next
                logger.exception("%s worker: %s failed", self.name, getattr(step, "__name__", step))

    async def run(self) -> None:
        while True:
            await self.run_once()
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval)

    def wake(self) -> None:
        """Do the next round now (e.g. after an invitation was queued)."""
        self._wake.set()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self.run(), name=f"ouderlink-{self.name}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None


_current: Worker | None = None


def wake() -> None:
    """Nudge this process's worker, if it runs one."""
    if _current is not None:
        _current.wake()


async def start(publisher: Publisher | None = None) -> Worker | None:
    """Start this process's worker (archive progress is published through `publisher`)."""
    global _current
    if not settings.NOTIFICATIONS_WORKER:
        return None
    _current = Worker(publisher=publisher)
    _current.start()
    return _current


async def stop() -> None:
    global _current
    if _current is not None:
        await _current.stop()
        _current = None


async def main() -> None:
    from tortoise import Tortoise

    import db

    logging.basicConfig(level=logging.INFO)
    settings.check_production_settings()
    await db.apply_migrations()
    await Tortoise.init(config=db.tortoise_config())
    worker = Worker()
    try:
        await worker.run()
    finally:
        await Tortoise.close_connections()


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
