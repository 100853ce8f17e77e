"""Query budgets: a leaky bucket per caller, in-process and shared through Redis."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from redis.asyncio import Redis

import settings
from services import rate_budget
from services.rate_budget import LeakyBucket
from tests.conftest import REDIS_URL


@pytest.fixture(params=["in-process", "redis"])
async def make_bucket(request):
    """Build buckets of either kind; Redis ones under a prefix unique to this test."""
    clients: list[Redis] = []
    prefix = f"ouderlink-test-budget-{uuid.uuid4().hex[:8]}:"

    def make(capacity: int, rate: float) -> LeakyBucket:
        if request.param == "in-process":
            return LeakyBucket(capacity, rate)
        if not REDIS_URL:
            pytest.skip("needs REDIS_URL")
        client = Redis.from_url(REDIS_URL)
        clients.append(client)
        return LeakyBucket(capacity, rate, redis=client, prefix=prefix)

    yield make
    for client in clients:
        keys = [k async for k in client.scan_iter(match=prefix + "*")]
        if keys:
            await client.delete(*keys)
        await client.aclose()


async def test_costs_are_taken_until_the_budget_is_short(make_bucket):
    # given a bucket of 100 points refilling slowly
    bucket = make_bucket(100, 1.0)
    # when
    first = await bucket.take("token:1", 60)
    second = await bucket.take("token:1", 60)
    # then: the first fits, the second not (and takes nothing)
    assert first.allowed and 39.9 <= first.available <= 40.1
    assert not second.allowed and 39.9 <= second.available <= 41
    # waiting 20 s at 1 point/s makes 60 fit again
    assert second.retry_after_seconds in (19, 20)
    third = await bucket.take("token:1", 40)
    assert third.allowed


async def test_callers_have_their_own_buckets(make_bucket):
    bucket = make_bucket(100, 1.0)
    assert (await bucket.take("user:1", 100)).allowed
    assert not (await bucket.take("user:1", 10)).allowed
    assert (await bucket.take("user:2", 100)).allowed
    assert (await bucket.take("token:1", 100)).allowed


async def test_the_bucket_refills_at_the_restore_rate_up_to_its_capacity(make_bucket):
    # given an empty bucket refilling 1000 points a second
    bucket = make_bucket(100, 1000.0)
    assert (await bucket.take("address:203.0.113.7", 100)).allowed
    # when at least 50 ms have passed
    await asyncio.sleep(0.06)
    # then at least 50 points are back, and never more than the capacity
    assert (await bucket.take("address:203.0.113.7", 50)).allowed
    await asyncio.sleep(0.2)
    assert not (await bucket.take("address:203.0.113.7", 101)).allowed
    assert (await bucket.take("address:203.0.113.7", 100)).allowed


async def test_a_cost_above_the_capacity_never_fits(make_bucket):
    bucket = make_bucket(100, 10.0)
    refused = await bucket.take("token:9", 150)
    assert not refused.allowed
    assert refused.retry_after_seconds == 5


async def test_two_buckets_on_one_redis_share_the_budget():
    # given two processes' buckets on the same Redis (same prefix)
    if not REDIS_URL:
        pytest.skip("needs REDIS_URL")
    prefix = f"ouderlink-test-budget-{uuid.uuid4().hex[:8]}:"
    one, two = Redis.from_url(REDIS_URL), Redis.from_url(REDIS_URL)
    try:
        a = LeakyBucket(100, 1.0, redis=one, prefix=prefix)
        b = LeakyBucket(100, 1.0, redis=two, prefix=prefix)
        # when both spend at the same time
        results = await asyncio.gather(*(x.take("token:7", 30) for x in (a, b, a, b)))
        # then exactly three of the four fit: the script is atomic
        assert sorted(r.allowed for r in results) == [False, True, True, True]
    finally:
        await one.delete(prefix + "token:7")
        await one.aclose()
        await two.aclose()


async def test_redis_down_lets_the_query_run():
    # given a bucket on a Redis that is not there
    client = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.5)
    bucket = LeakyBucket(100, 1.0, redis=client)
    try:
        # when / then: fail open, with a full bucket reported
        budget = await bucket.take("token:1", 500)
        assert budget.allowed
    finally:
        await client.aclose()


async def test_forget_all_starts_every_caller_full(db):
    # given a caller that spent its budget in the configured bucket (Redis when REDIS_URL)
    spent = await rate_budget.bucket().take("user:1", settings.RATE_BUDGET_CAPACITY)
    assert spent.allowed
    assert not (await rate_budget.bucket().take("user:1", 100)).allowed
    # when
    await rate_budget.forget_all()
    # then
    assert (await rate_budget.bucket().take("user:1", 100)).allowed
