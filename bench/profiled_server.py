"""`uvicorn server:app` with instruments, for the benchmarks:

- `BENCH_PROFILE_OUT=<file>`: the process runs under cProfile (CPU time, not wall time: a
  shared machine's waits are not counted), written out when the process is terminated;
  every SIGUSR2 switches it off or on, so `bench.live_delivery --profile DIR` profiles only
  its bursts (the collector's runs and time per generation are in every server's /metrics,
  and the benchmark prints them per burst);
- `BENCH_TRACEMALLOC_OUT=<prefix>`: tracemalloc runs, and every SIGUSR1 writes a snapshot to
  `<prefix>.<n>` (`bench.live_delivery --tracemalloc DIR` takes one before and one after the
  idle parents connect).
"""

from __future__ import annotations

import cProfile
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

    def stop(*_: object) -> None:
        if profile is not None:
            profile.disable()
            profile.dump_stats(profile_out)
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
