"""Figures of the home-query benchmark: what is collected per target and concurrency, and
the printed table with the ratios and the issue 8 targets."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    elapsed: float = 0.0
    requests: int = 0
    server_cpu: float = 0.0
    postgres_cpu: float = 0.0
    client_cpu: float = 0.0
    round_trips: float | None = None
    cache_hits: int = 0


# Ouderlink with its result cache (the default), and with RESULT_CACHE=false.
OURS = ("ouderlink", "ouderlink-uncached")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def report(stats: dict[tuple[str, int], Stats], concurrencies: list[int]) -> None:
    print()
    print(
        f"{'target':<19}{'conc':>5}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'server CPU ms/req':>19}{'PG CPU ms/req':>15}{'SQL trips/req':>15}{'client CPU':>12}"
        f"{'cache hits':>11}"
    )
    rate = {}
    for (name, c), s in stats.items():
        rate[(name, c)] = s.requests / s.elapsed
        trips = "-" if s.round_trips is None else f"{s.round_trips:.1f}"
        print(
            f"{name:<19}{c:>5}{rate[(name, c)]:>9.1f}"
            f"{percentile(s.latencies, 50) * 1000:>9.1f}{percentile(s.latencies, 99) * 1000:>9.1f}"
            f"{s.server_cpu / s.requests * 1000:>19.2f}{s.postgres_cpu / s.requests * 1000:>15.2f}"
            f"{trips:>15}{s.client_cpu / s.elapsed:>11.0%}{s.cache_hits / s.requests:>11.0%}"
        )
    print()
    ours = [n for n in OURS if any(k[0] == n for k in rate)]
    for c in concurrencies:
        for name in ours:
            for other in ("floor", "postgraphile"):
                if (other, c) in rate:
                    ratio = rate[(name, c)] / rate[(other, c)]
                    s = stats[(name, c)]
                    hits = f" (cache hits {s.cache_hits / s.requests:.0%})" if s.cache_hits else ""
                    print(f"concurrency {c}: {name} / {other} throughput = {ratio:.2f}x{hits}")
    targets = []
    for name in ours:
        for c in concurrencies:
            if ("postgraphile", c) in rate:
                ok = rate[(name, c)] >= rate[("postgraphile", c)]
                targets.append(
                    f"{name} ≥ 1.0x PostGraphile at concurrency {c}: {'yes' if ok else 'NO'}"
                )
    trips = [s.round_trips for (n, _), s in stats.items() if n in OURS and s.round_trips]
    if trips:
        targets.append(f"≤ 3 SQL round trips per request: {'yes' if max(trips) <= 3 else 'NO'}")
    print("targets: " + "; ".join(targets))
    print(
        "client CPU: this process's share of one core while generating load (near 100% means "
        "the load generator, not the server, set the pace); cache hits: answers with "
        "X-Result-Cache: hit"
    )
