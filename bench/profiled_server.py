"""`uvicorn server:app` under cProfile, for the benchmarks (`--profile DIR`): the profile of
the whole process is written to `$BENCH_PROFILE_OUT` when the process is terminated."""

from __future__ import annotations

import cProfile
import os
import signal
import sys

import uvicorn


def main() -> None:
    out = os.environ["BENCH_PROFILE_OUT"]
    profile = cProfile.Profile()

    def stop(*_: object) -> None:
        profile.disable()
        profile.dump_stats(out)
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    profile.enable()
    uvicorn.main.main(args=sys.argv[1:], standalone_mode=True)


if __name__ == "__main__":
    main()
