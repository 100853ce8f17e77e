"""Garbage-collector tuning for a server process with thousands of live connections.

Every live connection keeps a few hundred long-lived objects (tasks, generators, handler
state), and CPython's cyclic collector walks all of them again on every full collection:
with the default thresholds (700, 10, 10) a process with 2,500 connections spent about as
much CPU in the collector as in delivering (bench/live_delivery.py, README Benchmarks). So:

- `gc.freeze()` once the app has started: everything imported and built at start-up moves
  to the permanent generation and is never walked again;
- thresholds from `GC_THRESHOLDS` ("50000,10,10" by default: a young collection once
  50,000 more objects live than at the last one, instead of 700; the older ones as often
  relative to those). Reference counting frees almost everything at once anyway; only
  garbage in cycles waits a little longer. A feed batch of live deliveries holds tens of
  thousands of objects for a moment (its events, messages, audiences) and frees them all:
  at 3,000 every batch set off young collections that walked them and moved them on to the
  middle generation (25-29 young and 2-3 middle collections, ~0.045 s of the two servers'
  CPU per burst of the live bench, ~5%); at 30,000 and 50,000 none did (50,000 leaves room
  for larger objects and batches). The price is memory: the cyclic garbage of thousands of
  connections opening at once waits longer, and the process keeps the room it took: 22.5
  against 21.3 KB per idle connection, 5,000 parents (bench/live_delivery.py --idle-only).
  `collections` counts the collections per generation, with their CPU time (/metrics);
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
import time
from typing import Any

logger = logging.getLogger(__name__)


def parse_thresholds(value: str) -> tuple[int, ...]:
    """ "20000,10,10" -> (20000, 10, 10); empty -> () (leave Python's defaults)."""
    parts = [p.strip() for p in value.split(",") if p.strip()]
    thresholds = tuple(int(p) for p in parts)
    if len(thresholds) > 3 or any(t < 0 for t in thresholds):
        raise ValueError(f"GC_THRESHOLDS: up to three non-negative numbers, not {value!r}")
    return thresholds


class Collections:
    """This process's automatic and explicit collections per generation, and the CPU time
    they took (`gc.callbacks`), for /metrics and the benchmarks."""

    def __init__(self) -> None:
        self.counts = [0, 0, 0]
        self.seconds = [0.0, 0.0, 0.0]
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.thread_time()
            return
        generation = info["generation"]
        self.counts[generation] += 1
        self.seconds[generation] += time.thread_time() - self._started


collections = Collections()


def count_collections() -> None:
    """Have `collections` count this process's collections (once)."""
    if collections not in gc.callbacks:
        gc.callbacks.append(collections)


def tune_after_start(thresholds: tuple[int, ...]) -> None:
    """Freeze what start-up built and set the thresholds (call once the app is ready)."""
    count_collections()
    gc.collect()
    gc.freeze()
    if thresholds:
        gc.set_threshold(*thresholds)
    logger.debug("gc: %s objects frozen, thresholds %s", gc.get_freeze_count(), gc.get_threshold())


refreezes = 0  # done by this process (each is also one full collection in `collections`)


def refreeze() -> int:
    """Collect everything (the frozen generation too) and freeze what survived; returns the
    number of frozen objects."""
    global refreezes
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    refreezes += 1
    return gc.get_freeze_count()


async def refreeze_forever(seconds: float) -> None:
    """`refreeze` every `seconds` (a background task of the server)."""
    while True:
        await asyncio.sleep(seconds)
        frozen = refreeze()
        logger.debug("gc: refrozen, %s objects frozen", frozen)
