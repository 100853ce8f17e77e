"""Broadcast with the in-process memory backend: fan-out, the subscribe race, slow subscribers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from broadcaster import Event
from broadcaster._backends.memory import MemoryBackend

import settings
from subscriptions import broadcast as broadcast_module
from subscriptions.broadcast import (
    Broadcast,
    Subscriber,
    SubscriberTooSlow,
    Unsubscribed,
    create_backend,
    create_broadcast,
)
from subscriptions.redis_backend import RedisBackend

TIMEOUT = 5


class NetworkLikeMemoryBackend(MemoryBackend):
    """A memory backend whose subscribe/unsubscribe yield to the loop, like a network round trip.

    It counts calls and refuses a second subscribe of a channel already subscribed, which is
    exactly what the stock broadcaster race does.
    """

    def __init__(self, url: str = "memory://") -> None:
        super().__init__(url)
        self.subscribe_calls = 0
        self.unsubscribe_calls = 0
        self.unsubscribing = asyncio.Event()

    async def subscribe(self, channel: str) -> None:
        self.subscribe_calls += 1
        await asyncio.sleep(0.01)
        assert channel not in self._subscribed, f"{channel!r} subscribed twice"
        await super().subscribe(channel)

    async def unsubscribe(self, channel: str) -> None:
        self.unsubscribe_calls += 1
        self.unsubscribing.set()
        await asyncio.sleep(0.01)
        await super().unsubscribe(channel)


class FailingOnceMemoryBackend(MemoryBackend):
    """A memory backend whose first `next_published()` call raises."""

    def __init__(self, url: str = "memory://") -> None:
        super().__init__(url)
        self.failed = False

    async def next_published(self) -> Event:
        if not self.failed:
            self.failed = True
            raise RuntimeError("backend hiccup")
        return await super().next_published()


@pytest.fixture
async def memory_broadcast() -> AsyncIterator[Broadcast]:
    broadcast = Broadcast(backend=NetworkLikeMemoryBackend(), queue_size=10)
    await broadcast.connect()
    yield broadcast
    await broadcast.disconnect()


async def receive(subscriber: Subscriber, count: int) -> list[str]:
    """The messages of the next `count` events."""
    return [(await subscriber.get()).message for _ in range(count)]


async def test_a_subscriber_receives_what_is_published_on_its_channel_in_order(
    memory_broadcast: Broadcast,
) -> None:
    async with asyncio.timeout(TIMEOUT):
        # given
        async with memory_broadcast.subscribe("child:1") as subscriber:
            # when
            for message in ("a", "b", "c"):
                await memory_broadcast.publish("child:1", message)

            # then
            assert await receive(subscriber, 3) == ["a", "b", "c"]


async def test_a_subscriber_receives_nothing_published_on_other_channels(
    memory_broadcast: Broadcast,
) -> None:
    async with asyncio.timeout(TIMEOUT):
        # given
        async with memory_broadcast.subscribe("child:1") as subscriber:
            # when
            await memory_broadcast.publish("child:2", "not for you")
            await memory_broadcast.publish("child:1", "for you")

            # then
            assert await receive(subscriber, 1) == ["for you"]


async def test_subscribers_can_iterate_with_async_for(memory_broadcast: Broadcast) -> None:
    async with asyncio.timeout(TIMEOUT):
        # given
        received: list[str] = []
        async with memory_broadcast.subscribe("child:1") as subscriber:
            for message in ("a", "b"):
                await memory_broadcast.publish("child:1", message)

            # when
            async for event in subscriber:
                received.append(event.message)
                if len(received) == 2:
                    break

        # then
        assert received == ["a", "b"]


async def test_one_hundred_first_subscribers_arriving_together_all_receive_every_message(
    memory_broadcast: Broadcast,
) -> None:
    async with asyncio.timeout(TIMEOUT):
        # given
        backend = memory_broadcast.backend
        assert isinstance(backend, NetworkLikeMemoryBackend)
        all_subscribed = asyncio.Event()
        subscribed = 0
        expected = [f"message {i}" for i in range(5)]

        async def subscribe_and_receive() -> list[str]:
            nonlocal subscribed
            async with memory_broadcast.subscribe("group:1") as subscriber:
                subscribed += 1
                if subscribed == 100:
                    all_subscribed.set()
                return await receive(subscriber, len(expected))

        # when
        results = asyncio.gather(*(subscribe_and_receive() for _ in range(100)))
        await all_subscribed.wait()
        for message in expected:
            await memory_broadcast.publish("group:1", message)

        # then
        assert await results == [expected] * 100
        assert backend.subscribe_calls == 1
        assert backend.unsubscribe_calls == 1
        assert backend._subscribed == set()


async def test_the_backend_is_unsubscribed_only_when_the_last_subscriber_leaves(
    memory_broadcast: Broadcast,
) -> None:
    async with asyncio.timeout(TIMEOUT):
        # given
        backend = memory_broadcast.backend
        assert isinstance(backend, NetworkLikeMemoryBackend)
        async with memory_broadcast.subscribe("group:1"):
            async with memory_broadcast.subscribe("group:1"):
                pass

            # when the second one left
            # then
            assert backend._subscribed == {"group:1"}
            assert backend.unsubscribe_calls == 0

        # when the last one left
        # then
        assert backend._subscribed == set()
        assert backend.unsubscribe_calls == 1


async def test_a_subscriber_arriving_while_the_last_one_leaves_still_receives(
    memory_broadcast: Broadcast,
) -> None:
    async with asyncio.timeout(TIMEOUT):
        # given a subscriber that is leaving (its backend unsubscribe is in flight)
        backend = memory_broadcast.backend
        assert isinstance(backend, NetworkLikeMemoryBackend)
        entered = asyncio.Event()
        leave = asyncio.Event()

        async def leaving_subscriber() -> None:
            async with memory_broadcast.subscribe("group:1"):
                entered.set()
                await leave.wait()

        leaving = asyncio.create_task(leaving_subscriber())
        await entered.wait()
        leave.set()
        await backend.unsubscribing.wait()

        # when a new subscriber arrives at the same time
        async with memory_broadcast.subscribe("group:1") as subscriber:
            await leaving
            await memory_broadcast.publish("group:1", "still here")

            # then
            assert await receive(subscriber, 1) == ["still here"]
            assert backend.subscribe_calls == 2


async def test_a_slow_subscriber_gets_subscriber_too_slow_while_a_fast_one_gets_everything(
    memory_broadcast: Broadcast,
) -> None:
    async with asyncio.timeout(TIMEOUT):
        # given queues of 10 events
        expected = [f"message {i}" for i in range(25)]
        async with (
            memory_broadcast.subscribe("group:1") as fast,
            memory_broadcast.subscribe("group:1") as slow,
        ):
            # when the fast one keeps up and the slow one never reads
            received = []
            for message in expected:
                await memory_broadcast.publish("group:1", message)
                received += await receive(fast, 1)

            # then
            assert received == expected
            assert slow.overflowed
            assert not fast.overflowed
            with pytest.raises(SubscriberTooSlow) as error:
                await slow.get()
            assert error.value.channel == "group:1"
            assert error.value.queue_size == 10


async def test_a_wakeups_subscriber_keeps_the_first_and_the_latest_and_never_falls_behind(
    memory_broadcast: Broadcast,
) -> None:
    async with asyncio.timeout(TIMEOUT):
        # given queues of 10 events, and a wake-up subscriber that does not read for a while
        async with memory_broadcast.subscribe("feed:1", wakeups=True) as wakeups:
            # when 25 wake-ups arrive before it reads
            for i in range(25):
                await memory_broadcast.publish("feed:1", f"wake {i}")
            await wait_for_listener(memory_broadcast)

            # then it gets the first, then the latest, and is not too slow
            assert (await wakeups.get()).message == "wake 0"
            assert [event.message for event in wakeups.drain()] == ["wake 24"]
            assert wakeups.drain() == []
            assert not wakeups.overflowed

            # when one more arrives after it read
            await memory_broadcast.publish("feed:1", "wake 25")

            # then it is the next one it gets (nothing older is kept)
            assert (await wakeups.get()).message == "wake 25"
            assert wakeups.drain() == []


async def test_a_wakeups_subscriber_waiting_is_ended_by_disconnect() -> None:
    async with asyncio.timeout(TIMEOUT):
        # given a wake-up subscriber waiting for its first wake-up
        broadcast = Broadcast(backend=NetworkLikeMemoryBackend())
        await broadcast.connect()
        async with broadcast.subscribe("feed:1", wakeups=True) as wakeups:
            waiting = asyncio.ensure_future(wakeups.get())
            await asyncio.sleep(0)

            # when
            await broadcast.disconnect()

            # then
            with pytest.raises(Unsubscribed):
                await waiting


async def wait_for_listener(broadcast: Broadcast) -> None:
    """Until the listener has moved everything published so far to the subscribers."""
    backend = broadcast.backend
    assert isinstance(backend, MemoryBackend)
    for _ in range(1000):
        if backend._published.empty():
            break
        await asyncio.sleep(0)
    await asyncio.sleep(0)


async def test_async_for_over_a_slow_subscriber_raises_subscriber_too_slow(
    memory_broadcast: Broadcast,
) -> None:
    async with asyncio.timeout(TIMEOUT):
        # given
        backend = memory_broadcast.backend
        assert isinstance(backend, NetworkLikeMemoryBackend)

        # when 11 events reach a queue of 10 (the fast one shows they were all dispatched)
        with pytest.raises(SubscriberTooSlow):
            async with (
                memory_broadcast.subscribe("group:1") as fast,
                memory_broadcast.subscribe("group:1") as slow,
            ):
                for i in range(11):
                    await memory_broadcast.publish("group:1", f"message {i}")
                    await receive(fast, 1)
                async for _event in slow:
                    pass

        # then the subscription was cleaned up
        assert backend._subscribed == set()


async def test_delivery_continues_after_the_backend_fails_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with asyncio.timeout(TIMEOUT):
        # given
        monkeypatch.setattr(broadcast_module, "_LISTENER_RETRY_DELAY", 0.01)
        backend = FailingOnceMemoryBackend()
        async with (
            Broadcast(backend=backend) as broadcast,
            broadcast.subscribe("child:1") as subscriber,
        ):
            # when
            await broadcast.publish("child:1", "after the hiccup")

            # then
            assert await receive(subscriber, 1) == ["after the hiccup"]
            assert backend.failed
            assert await broadcast.is_healthy()


async def test_a_listener_task_that_dies_is_restarted(memory_broadcast: Broadcast) -> None:
    async with asyncio.timeout(TIMEOUT):
        # given
        async with memory_broadcast.subscribe("child:1") as subscriber:
            dead = memory_broadcast._listener_task
            assert dead is not None

            # when
            dead.cancel()
            await asyncio.wait([dead])
            await memory_broadcast.publish("child:1", "still delivered")

            # then
            assert await receive(subscriber, 1) == ["still delivered"]
            assert memory_broadcast._listener_task is not dead
            assert await memory_broadcast.is_healthy()


async def test_disconnect_ends_the_iteration_of_active_subscribers() -> None:
    async with asyncio.timeout(TIMEOUT):
        # given
        broadcast = create_broadcast(None)
        await broadcast.connect()
        iterating = asyncio.Event()
        received: list[str] = []

        async def listen() -> None:
            async with broadcast.subscribe("child:1") as subscriber:
                iterating.set()
                async for event in subscriber:
                    received.append(event.message)

        listener = asyncio.create_task(listen())
        await iterating.wait()

        # when
        await broadcast.disconnect()

        # then
        await listener
        assert received == []
        assert not await broadcast.is_healthy()


async def test_subscribing_or_publishing_before_connect_is_an_error() -> None:
    # given
    broadcast = create_broadcast("memory://")

    # when / then
    with pytest.raises(RuntimeError):
        await broadcast.publish("child:1", "too early")
    with pytest.raises(RuntimeError):
        async with broadcast.subscribe("child:1"):
            pass


@pytest.mark.parametrize("url", [None, "", "memory://"])
def test_create_broadcast_without_a_redis_url_uses_the_memory_backend(url: str | None) -> None:
    # when
    broadcast = create_broadcast(url)

    # then
    assert isinstance(broadcast.backend, MemoryBackend)
    assert broadcast.queue_size == settings.BROADCAST_QUEUE_SIZE


@pytest.mark.parametrize("url", ["redis://127.0.0.1:6379/0", "rediss://cache.example:6380"])
def test_create_broadcast_with_a_redis_url_uses_our_redis_backend(url: str) -> None:
    # when
    broadcast = create_broadcast(url, queue_size=7)

    # then
    assert isinstance(broadcast.backend, RedisBackend)
    assert broadcast.queue_size == 7


def test_create_backend_rejects_unknown_schemes() -> None:
    # when / then
    with pytest.raises(ValueError, match="kafka"):
        create_backend("kafka://localhost:9092")
