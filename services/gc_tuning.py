"""Garbage-collector tuning for a server process with thousands of live connections.

Every live connection keeps a few hundred long-lived objects (tasks, generators, handler
state), and CPython's cyclic collector walks all of them again on every full collection:
with the default thresholds (700, 10, 10) a process with 2,500 connections spent about as
much CPU in the collector as in delivering (bench/live_delivery.py, README Benchmarks). So:

- `gc.freeze()` once the app has started: everything imported and built at start-up moves
  to the permanent generation and is never walked again;
- thresholds from `GC_THRESHOLDS` ("3000,10,10" by default: young collections every 3,000
  allocations instead of 700, the older ones as often relative to those). Reference counting
  frees almost everything at once anyway; only garbage in cycles waits a little longer.
  Higher (20000) saved a little more CPU but kept about 6 KB more per idle connection;
- every `GC_REFREEZE_SECONDS` (0 by default: never) `refreeze`: one full collection of
  everything, frozen objects included, then whatever survived is frozen. Connections that
  stay open leave the collector's reach, so the full collections that a burst of
  deliveries triggers walk only what is new (one such collection took 0.25-0.34 s of CPU
  with 2,500 sockets per two bursts of the live bench, and none with a refreeze); cyclic
  garbage among frozen objects (a closed connection's) waits for the next refreeze. Off by
  default: in the live bench, servers that had refrozen answered `sendMessage` slower
  (p99 commit to receipt 34-84 ms against 26 ms, 25 ms of CPU per message against 19) for a
  burst gain we could not tell from the noise of a shared VM; the cause is not known yet.
"""

from __future__ import annotations

import asyncio
import gc
import logging

logger = logging.getLogger(__name__)


def parse_thresholds(value: str) -> tuple[int, ...]:
    """ "20000,10,10" -> (20000, 10, 10); empty -> () (leave Python's defaults)."""
    parts = [p.strip() for p in value.split(",") if p.strip()]
    thresholds = tuple(int(p) for p in parts)
    if len(thresholds) > 3 or any(t < 0 for t in thresholds):
        raise ValueError(f"GC_THRESHOLDS: up to three non-negative numbers, not {value!r}")
    return thresholds


def tune_after_start(thresholds: tuple[int, ...]) -> None:
    """Freeze what start-up built and set the thresholds (call once the app is ready)."""
    gc.collect()
    gc.freeze()
    if thresholds:
        gc.set_threshold(*thresholds)
    logger.debug("gc: %s objects frozen, thresholds %s", gc.get_freeze_count(), gc.get_threshold())


refreezes = 0  # done by this process (the benchmarks tell them from automatic collections)
refreezing = False


def refreeze() -> int:
    """Collect everything (the frozen generation too) and freeze what survived; returns the
    number of frozen objects."""
    global refreezes, refreezing
    refreezing = True
    try:
        gc.unfreeze()
        gc.collect()
        gc.freeze()
    finally:
        refreezing = False
    refreezes += 1
    return gc.get_freeze_count()


async def refreeze_forever(seconds: float) -> None:
    """`refreeze` every `seconds` (a background task of the server)."""
    while True:
        await asyncio.sleep(seconds)
        frozen = refreeze()
        logger.debug("gc: refrozen, %s objects frozen", frozen)
