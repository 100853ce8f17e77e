"""services.gc_tuning: the GC_THRESHOLDS setting and the tuning at start-up."""

from __future__ import annotations

import gc
import weakref

import pytest

from services.gc_tuning import (
    collections,
    count_collections,
    parse_thresholds,
    refreeze,
    tune_after_start,
)


def test_thresholds_are_read_from_the_setting():
    assert parse_thresholds("20000,10,10") == (20000, 10, 10)
    assert parse_thresholds(" 5000 ") == (5000,)
    assert parse_thresholds("") == ()


@pytest.mark.parametrize("value", ["1,2,3,4", "-1", "veel"])
def test_a_wrong_setting_is_refused(value):
    with pytest.raises(ValueError):
        parse_thresholds(value)


def test_tuning_freezes_start_up_objects_and_sets_the_thresholds():
    # given Python's thresholds
    before = gc.get_threshold()
    try:
        # when tuned
        tune_after_start((20000, 10, 10))
        # then start-up objects are frozen out of the collector, and the thresholds are set
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == (20000, 10, 10)
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


def test_refreezing_collects_cycles_among_frozen_objects_and_freezes_what_lives():
    # given a cycle and a live object, both frozen, and the cycle then dropped
    lives = Node()
    cycle = Node()
    cycle.other = Node()
    cycle.other.other = cycle
    dead = weakref.ref(cycle)
    try:
        gc.freeze()
        del cycle
        gc.collect()
        assert dead() is not None  # frozen: out of the collector's reach
        # when refrozen
        frozen = refreeze()
        # then the cycle is gone and what lives is frozen again
        assert dead() is None
        assert frozen == gc.get_freeze_count() > 0
        assert not any(obj is lives for obj in gc.get_objects())
    finally:
        gc.unfreeze()


def test_collections_are_counted_per_generation_with_their_cpu_time():
    # given collections counted (asked for twice: counted once)
    registered = collections in gc.callbacks
    count_collections()
    count_collections()
    try:
        assert gc.callbacks.count(collections) == 1
        # when a middle collection runs with garbage to walk
        garbage = [Node() for _ in range(20_000)]
        for node in garbage:
            node.other = node  # (a cycle each)
        del garbage, node
        counts, seconds = list(collections.counts), list(collections.seconds)
        gc.collect(1)
        # then it is counted under generation 1, with the CPU time it took
        assert collections.counts[1] == counts[1] + 1
        assert collections.seconds[1] > seconds[1]
        assert collections.counts[2] == counts[2]
    finally:
        if not registered:
            gc.callbacks.remove(collections)
