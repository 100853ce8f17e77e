"""The webhook loop: the notification worker's loop (services.notifications.worker.Worker)
with the webhook steps. Started by the server's lifespan (unless WEBHOOKS_WORKER=false) or on
its own:

    python -m services.webhooks.worker

Several may run at once: cursors are locked per organisation, deliveries leased one by one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import settings
from services.notifications.worker import Worker
from services.webhooks import dispatch

_current: Worker | None = None


def worker(interval: float | None = None) -> Worker:
    return Worker(
        interval=settings.WEBHOOKS_POLL_SECONDS if interval is None else interval,
        steps=[dispatch.run_once],
        name="webhooks",
    )


async def start() -> Worker | None:
    """Start this process's webhook worker (off with WEBHOOKS_WORKER=false)."""
    global _current
    if not settings.WEBHOOKS_WORKER:
        return None
    _current = worker()
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
    try:
        await worker().run()
    finally:
        await Tortoise.close_connections()


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
