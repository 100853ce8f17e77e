"""services.result_cache: hits need the same watermark and a young enough answer; memory is
bounded by entries and bytes, least recently used first out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services import clock
from services.result_cache import ResultCache, cache_key

NOW = datetime(2026, 5, 12, 8, tzinfo=UTC)


def key(session: int, children: list[int] | None = None) -> tuple:
    return cache_key(
        session_id=session,
        organisation_id=1,
        document="d",
        operation_name=None,
        variables={"b": 1, "a": 2},
        locale="nl",
        visible_child_ids=children or [1, 2],
    )


def test_a_hit_needs_the_same_watermark_and_an_age_below_the_ttl():
    # given
    clock.set_clock(lambda: NOW)
    cache = ResultCache(seconds=30, entries=10, max_bytes=10_000)
    cache.put(key(1), {"viewer": 1}, watermark=7, computed_at=NOW)
    # then
    assert cache.get(key(1), 7) == {"viewer": 1}
    assert cache.get(key(1, [2, 1]), 7) == {"viewer": 1}  # the same set of children
    assert cache.get(key(1, [1]), 7) is None
    assert cache.get(key(2), 7) is None
    assert cache.get(key(1), 8) is None  # a newer event: dropped
    assert cache.get(key(1), 7) is None
    cache.put(key(1), {"viewer": 1}, watermark=7, computed_at=NOW - timedelta(seconds=30))
    assert cache.get(key(1), 7) is None
    clock.set_clock(None)


def test_entries_and_bytes_are_bounded_least_recently_used_first_out():
    # given
    clock.set_clock(lambda: NOW)
    cache = ResultCache(seconds=30, entries=2, max_bytes=40)
    cache.put(key(1), {"a": 1}, 1, NOW)
    cache.put(key(2), {"b": 2}, 1, NOW)
    # when: 1 is used, then a third comes in
    assert cache.get(key(1), 1)
    cache.put(key(3), {"c": 3}, 1, NOW)
    # then: 2 went
    assert cache.get(key(2), 1) is None and cache.get(key(1), 1) and cache.get(key(3), 1)
    # when: a large answer comes in, the others go to make room; a too large one is not kept
    assert cache.put(key(4), {"d": "x" * 30}, 1, NOW)
    assert len(cache) == 1 and cache.bytes <= 40
    assert not cache.put(key(5), {"e": "x" * 100}, 1, NOW)
    clock.set_clock(None)
