"""`uvicorn server:app` with instruments, for the benchmarks:

- `BENCH_PROFILE_OUT=<file>`: the process runs under cProfile (CPU time, not wall time: a
  shared machine's waits are not counted), written out when the process is terminated;
  every SIGUSR2 switches it off or on, so `bench.live_delivery --profile DIR` profiles only
  its bursts;
  the time the garbage collector took while profiling goes to stderr, per generation;
- `BENCH_TRACEMALLOC_OUT=<prefix>`: tracemalloc runs, and every SIGUSR1 writes a snapshot to
  `<prefix>.<n>` (`bench.live_delivery --tracemalloc DIR` takes one before and one after the
  idle parents connect).
"""

from __future__ import annotations

import cProfile
import gc
import os
import signal
import sys
import time
import tracemalloc
from itertools import count

import uvicorn


def main() -> None:
    profile_out = os.environ.get("BENCH_PROFILE_OUT")
    trace_out = os.environ.get("BENCH_TRACEMALLOC_OUT")
    profile = cProfile.Profile(time.process_time) if profile_out else None
    # BENCH_PROFILE_WINDOW=1: off until the first SIGUSR2.
    profiling = [profile is not None and os.environ.get("BENCH_PROFILE_WINDOW") != "1"]

    # per generation: collections and CPU seconds while profiling ("refreeze": the
    # server's periodic full collections, services.gc_tuning)
    collected: dict[int | str, list[float]] = {0: [0, 0.0], 1: [0, 0.0], 2: [0, 0.0]}
    collected["refreeze"] = [0, 0.0]
    started = [0.0]

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if not profiling[0]:
            return
        if phase == "start":
            started[0] = time.process_time()
        else:
            from services import gc_tuning

            kind = "refreeze" if gc_tuning.refreezing else info["generation"]
            entry = collected[kind]
            entry[0] += 1
            entry[1] += time.process_time() - started[0]

    def stop(*_: object) -> None:
        if profile is not None:
            profile.disable()
            profile.dump_stats(profile_out)
            for generation, (count_, seconds) in collected.items():
                print(
                    f"gc {generation}: {count_:.0f} collections, {seconds:.3f}s CPU",
                    file=sys.stderr,
                )
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    if profile is not None:

        def toggle(*_: object) -> None:
            if profiling[0]:
                profile.disable()
            else:
                profile.enable()
            profiling[0] = not profiling[0]

        signal.signal(signal.SIGUSR2, toggle)
        gc.callbacks.append(on_gc)
    if trace_out:
        tracemalloc.start(8)
        numbers = count()

        def snapshot(*_: object) -> None:
            tracemalloc.take_snapshot().dump(f"{trace_out}.{next(numbers)}")

        signal.signal(signal.SIGUSR1, snapshot)
    if profiling[0]:
        profile.enable()
    uvicorn.main.main(args=sys.argv[1:], standalone_mode=True)


if __name__ == "__main__":
    main()
