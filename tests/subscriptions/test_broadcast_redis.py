"""Broadcast over a real Redis (REDIS_TEST_URL, default redis://127.0.0.1:6379/15), no mocks.

Every test uses its own channel names and its own client names, and kills only connections it
owns (`CLIENT KILL ID`), so it can share the Redis server with other test runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
import redis
import redis.asyncio as aioredis

from subscriptions.broadcast import Broadcast, Subscriber, SubscriberTooSlow
from subscriptions.redis_backend import RESUBSCRIBED, BroadcastUnavailable, RedisBackend
from subscriptions.resp import RespConnection

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
TIMEOUT = 10

OpenBroadcast = Callable[..., Awaitable[Broadcast]]


@pytest.fixture
def redis_url() -> str:
    try:
        with redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1) as client:
            client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {exc}")
    return REDIS_URL


@pytest.fixture
async def admin(redis_url: str) -> AsyncIterator[aioredis.Redis]:
    """A separate client to look at (and kill) connections from the server side."""
    client = aioredis.Redis.from_url(redis_url, decode_responses=True)
    yield client
    await client.aclose()


@pytest.fixture
def channel() -> str:
    return f"ouderlink-test:{uuid.uuid4().hex}"


@pytest.fixture
async def open_broadcast(redis_url: str) -> AsyncIterator[OpenBroadcast]:
    """Open `Broadcast`s, each with its own `RedisBackend`, as separate processes would."""
    opened: list[Broadcast] = []

    async def open_(url: str = redis_url, *, queue_size: int = 1000, **options: Any) -> Broadcast:
        options.setdefault("client_name", f"ouderlink-test-{uuid.uuid4().hex[:12]}")
        broadcast = Broadcast(backend=RedisBackend(url, **options), queue_size=queue_size)
        await broadcast.connect()
        opened.append(broadcast)
        return broadcast

    yield open_
    for broadcast in opened:
        await broadcast.disconnect()


def with_protocol(url: str, protocol: int) -> str:
    """The URL asking redis-py for RESP2 or RESP3 (redis-py 8 defaults to RESP3)."""
    return f"{url}{'&' if '?' in url else '?'}protocol={protocol}"


def backend_of(broadcast: Broadcast) -> RedisBackend:
    backend = broadcast.backend
    assert isinstance(backend, RedisBackend)
    return backend


async def client_ids(
    admin: aioredis.Redis, broadcast: Broadcast, *, pubsub_only: bool = False
) -> list[int]:
    """Server-side ids of the broadcast's connections (only those in pub/sub mode if asked)."""
    name = backend_of(broadcast).client_name
    return [
        int(client["id"])
        for client in await admin.client_list()
        if client["name"] == name and (not pubsub_only or "P" in client["flags"])
    ]


async def kill_connections(
    admin: aioredis.Redis, broadcast: Broadcast, *, pubsub_only: bool = False
) -> None:
    ids = await client_ids(admin, broadcast, pubsub_only=pubsub_only)
    assert ids, "nothing to kill"
    for client_id in ids:
        await admin.client_kill_filter(_id=client_id)


async def receive(subscriber: Subscriber, count: int) -> list[str]:
    return [(await subscriber.get()).message for _ in range(count)]


async def publish_until_received(
    publisher: Broadcast, subscriber: Subscriber, channel: str, seconds: float = TIMEOUT
) -> str:
    """Publish probes every 50 ms until one arrives and return it, skipping anything else.

    Probes published while the subscriber is reconnecting are lost; once one arrives, every
    message published afterwards is delivered (Redis keeps the order per connection).
    """
    async with asyncio.timeout(seconds):
        for attempt in range(10**6):
            with contextlib.suppress(BroadcastUnavailable):
                await publisher.publish(channel, f"probe {attempt}")
            try:
                async with asyncio.timeout(0.05):
                    while not (message := (await subscriber.get()).message).startswith("probe"):
                        pass
                    return message
            except TimeoutError:
                continue
    raise AssertionError("unreachable")


async def wait_until(condition: Callable[[], Awaitable[bool]], seconds: float = 5) -> None:
    """Poll `condition` every 20 ms until it holds; TimeoutError after `seconds`."""
    async with asyncio.timeout(seconds):
        while True:
            if await condition():
                return
            await asyncio.sleep(0.02)


@pytest.mark.parametrize("protocol", [2, 3])
async def test_a_message_published_in_one_process_reaches_a_subscriber_in_another(
    open_broadcast: OpenBroadcast, channel: str, admin: aioredis.Redis, protocol: int
) -> None:
    async with asyncio.timeout(TIMEOUT):
        # given two separate Broadcast objects, each with its own RedisBackend
        subscriber_process = await open_broadcast(with_protocol(REDIS_URL, protocol))
        publisher_process = await open_broadcast(with_protocol(REDIS_URL, protocol))
        assert backend_of(subscriber_process) is not backend_of(publisher_process)

        async with subscriber_process.subscribe(channel) as subscriber:
            # when
            await publisher_process.publish(channel, "hello from the other process")

            # then
            assert await receive(subscriber, 1) == ["hello from the other process"]
            assert await admin.pubsub_numsub(channel) == [(channel, 1)]


async def test_subscribers_in_two_processes_each_receive_a_message_once(
    open_broadcast: OpenBroadcast, channel: str, admin: aioredis.Redis
) -> None:
    async with asyncio.timeout(TIMEOUT):
        # given
        first = await open_broadcast()
        second = await open_broadcast()
        async with first.subscribe(channel) as in_first, second.subscribe(channel) as in_second:
            # then each process holds its own Redis subscription on its own connection
            assert await admin.pubsub_numsub(channel) == [(channel, 2)]
            first_ids = await client_ids(admin, first, pubsub_only=True)
            second_ids = await client_ids(admin, second, pubsub_only=True)
            assert len(first_ids) == len(second_ids) == 1
            assert first_ids != second_ids

            # when
            await first.publish(channel, "one")
            await second.publish(channel, "two")

            # then
            assert await receive(in_first, 2) == ["one", "two"]
            assert await receive(in_second, 2) == ["one", "two"]


async def test_one_hundred_first_subscribers_created_at_once_each_receive_every_message(
    open_broadcast: OpenBroadcast, channel: str, admin: aioredis.Redis
) -> None:
    async with asyncio.timeout(TIMEOUT):
        # given 100 subscribers of one channel, all created at once in one process
        subscriber_process = await open_broadcast()
        publisher_process = await open_broadcast()
        expected = [f"message {i}" for i in range(20)]
        all_subscribed = asyncio.Event()
        subscribed = 0

        async def subscribe_and_receive() -> list[str]:
            nonlocal subscribed
            async with subscriber_process.subscribe(channel) as subscriber:
                subscribed += 1
                if subscribed == 100:
                    all_subscribed.set()
                return await receive(subscriber, len(expected))

        tasks = [asyncio.create_task(subscribe_and_receive()) for _ in range(100)]
        gathered = asyncio.gather(*tasks, return_exceptions=True)
        await all_subscribed.wait()
        assert await admin.pubsub_numsub(channel) == [(channel, 1)]

        # when
        for message in expected:
            await publisher_process.publish(channel, message)

        # then
        _done, pending = await asyncio.wait(tasks, timeout=5)
        for task in pending:
            task.cancel()
        results = await gathered
        complete = [result for result in results if result == expected]
        assert len(complete) == 100, (
            f"only {len(complete)} of 100 subscribers received all {len(expected)} messages; "
            f"errors: {[r for r in results if isinstance(r, BaseException)][:3]}"
        )
        # one Redis subscription for the process, released with the last subscriber
        await wait_until(lambda: no_subscriptions(admin, channel))


async def no_subscriptions(admin: aioredis.Redis, channel: str) -> bool:
    return await admin.pubsub_channels(f"{channel}*") == []


async def test_a_slow_subscriber_gets_subscriber_too_slow_while_a_fast_one_gets_everything(
    open_broadcast: OpenBroadcast, channel: str
) -> None:
    async with asyncio.timeout(TIMEOUT):
        # given queues of 5 events
        subscriber_process = await open_broadcast(queue_size=5)
        publisher_process = await open_broadcast()
        expected = [f"message {i}" for i in range(20)]
        async with (
            subscriber_process.subscribe(channel) as fast,
            subscriber_process.subscribe(channel) as slow,
        ):
            # when the fast one keeps up and the slow one never reads
            received = []
            for message in expected:
                await publisher_process.publish(channel, message)
                received += await receive(fast, 1)

            # then
            assert received == expected
            with pytest.raises(SubscriberTooSlow):
                await slow.get()
            assert not fast.overflowed


async def test_unsubscribing_the_last_subscriber_leaves_no_channel_subscribed_on_redis(
    open_broadcast: OpenBroadcast, channel: str, admin: aioredis.Redis
) -> None:
    async with asyncio.timeout(TIMEOUT):
        # given
        broadcast = await open_broadcast()
        other_channel = f"{channel}:other"
        async with broadcast.subscribe(channel), broadcast.subscribe(channel):
            async with broadcast.subscribe(other_channel):
                assert sorted(await admin.pubsub_channels(f"{channel}*")) == [
                    channel,
                    other_channel,
                ]

            # when the only subscriber of one channel left
            # then
            await wait_until(lambda: channels_are(admin, channel, [channel]))

        # when the last subscribers left
        # then
        await wait_until(lambda: no_subscriptions(admin, channel))
        assert await backend_of(broadcast).is_healthy()


async def channels_are(admin: aioredis.Redis, channel: str, expected: list[str]) -> bool:
    return sorted(await admin.pubsub_channels(f"{channel}*")) == expected


@pytest.mark.parametrize("protocol", [2, 3])
async def test_a_subscriber_receives_again_after_its_pubsub_connection_is_killed(
    open_broadcast: OpenBroadcast, channel: str, admin: aioredis.Redis, protocol: int
) -> None:
    async with asyncio.timeout(TIMEOUT):
        # given
        subscriber_process = await open_broadcast(with_protocol(REDIS_URL, protocol))
        publisher_process = await open_broadcast()
        backend = backend_of(subscriber_process)
        async with subscriber_process.subscribe(channel) as subscriber:
            old_ids = await client_ids(admin, subscriber_process, pubsub_only=True)

            # when Redis drops the subscriber connection
            await kill_connections(admin, subscriber_process, pubsub_only=True)

            # then the backend reconnects, re-subscribes, and delivers again
            await publish_until_received(publisher_process, subscriber, channel)
            await publisher_process.publish(channel, "after the reconnect")
            assert await receive(subscriber, 1) == ["after the reconnect"]
            assert backend.reconnect_count >= 1
            new_ids = await client_ids(admin, subscriber_process, pubsub_only=True)
            assert len(new_ids) == 1
            assert new_ids != old_ids
            assert await admin.pubsub_numsub(channel) == [(channel, 1)]
            assert await subscriber_process.is_healthy()


@pytest.mark.parametrize("protocol", [2, 3])
async def test_after_a_reconnect_each_subscriber_is_told_it_may_have_missed_messages(
    open_broadcast: OpenBroadcast, channel: str, admin: aioredis.Redis, protocol: int
) -> None:
    async with asyncio.timeout(TIMEOUT):
        # given two subscribers of a channel in one process
        process = await open_broadcast(with_protocol(REDIS_URL, protocol))
        async with process.subscribe(channel) as first, process.subscribe(channel) as second:
            # when Redis drops the subscriber connection
            await kill_connections(admin, process, pubsub_only=True)
            # then, once re-subscribed, both receive RESUBSCRIBED before anything else
            assert await receive(first, 1) == [RESUBSCRIBED]
            assert await receive(second, 1) == [RESUBSCRIBED]


async def test_publishing_recovers_after_all_connections_of_both_processes_are_killed(
    open_broadcast: OpenBroadcast, channel: str, admin: aioredis.Redis
) -> None:
    async with asyncio.timeout(TIMEOUT):
        # given both processes have used their connections
        subscriber_process = await open_broadcast()
        publisher_process = await open_broadcast()
        async with subscriber_process.subscribe(channel) as subscriber:
            await publisher_process.publish(channel, "before")
            assert await receive(subscriber, 1) == ["before"]

            # when Redis drops every connection they have
            await kill_connections(admin, publisher_process)
            await kill_connections(admin, subscriber_process)

            # then publishing right away does not fail (the message itself may be lost:
            # Redis pub/sub drops what is published while the subscriber reconnects)
            await publisher_process.publish(channel, "right after the kill")

            # and once the subscriber has re-subscribed, everything is delivered again
            await publish_until_received(publisher_process, subscriber, channel)
            await publisher_process.publish(channel, "after")
            assert await receive(subscriber, 1) == ["after"]
            assert await publisher_process.is_healthy()


@pytest.mark.parametrize("protocol", [2, 3])
async def test_idle_connections_are_health_checked_without_reconnecting(
    open_broadcast: OpenBroadcast, channel: str, protocol: int
) -> None:
    async with asyncio.timeout(TIMEOUT):
        # given a PING after every 50 ms of silence, with and without a subscription
        url = with_protocol(REDIS_URL, protocol)
        subscriber_process = await open_broadcast(url, health_check_interval=0.05)
        publisher_process = await open_broadcast(url, health_check_interval=0.05)
        async with subscriber_process.subscribe(channel) as subscriber:
            # when both stay idle for several health checks
            await asyncio.sleep(0.3)
            await publisher_process.publish(channel, "still there")

            # then
            assert await receive(subscriber, 1) == ["still there"]
            assert backend_of(subscriber_process).reconnect_count == 0
            assert backend_of(publisher_process).reconnect_count == 0


async def test_connecting_to_an_unreachable_redis_raises_broadcast_unavailable() -> None:
    async with asyncio.timeout(TIMEOUT):
        # given
        backend = RedisBackend(f"redis://127.0.0.1:{free_port()}/0", connect_timeout=0.5)

        # when / then
        with pytest.raises(BroadcastUnavailable, match="could not connect"):
            await backend.connect()
        assert not await backend.is_healthy()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A throwaway redis-server of our own, so restarting it disturbs nobody else."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            "redis-server",
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        client = aioredis.Redis.from_url(self.url)
        try:
            async with asyncio.timeout(5):
                while True:
                    try:
                        await client.ping()
                        return
                    except redis.ConnectionError:
                        await asyncio.sleep(0.02)
        finally:
            await client.aclose()

    async def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.returncode is None:
            process.send_signal(signal.SIGCONT)
            process.terminate()
            await process.wait()

    def freeze(self) -> None:
        """Stop the server process: connections stay open but nothing is answered."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)


@pytest.fixture
async def own_redis_server() -> AsyncIterator[RedisServer]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer()
    await server.start()
    yield server
    await server.stop()


async def test_a_redis_restart_is_survived_and_publish_fails_clearly_while_it_is_down(
    open_broadcast: OpenBroadcast, own_redis_server: RedisServer
) -> None:
    async with asyncio.timeout(2 * TIMEOUT):
        # given
        options = {"publish_timeout": 0.5, "subscribe_timeout": 0.5}
        subscriber_process = await open_broadcast(own_redis_server.url, **options)
        publisher_process = await open_broadcast(own_redis_server.url, **options)
        async with subscriber_process.subscribe("restart:1") as subscriber:
            # when Redis goes down
            await own_redis_server.stop()

            # then publishing and new subscriptions fail clearly and quickly
            with pytest.raises(BroadcastUnavailable, match="could not publish"):
                await publisher_process.publish("restart:1", "lost")
            with pytest.raises(BroadcastUnavailable):
                async with subscriber_process.subscribe("restart:2"):
                    pass
            await wait_until(negate(subscriber_process.is_healthy))

            # when Redis comes back
            await own_redis_server.start()

            # then the subscription is restored and the process is healthy again
            await publish_until_received(publisher_process, subscriber, "restart:1")
            await publisher_process.publish("restart:1", "after the restart")
            assert await receive(subscriber, 1) == ["after the restart"]
            assert backend_of(subscriber_process).reconnect_count >= 1
            await wait_until(subscriber_process.is_healthy)


def negate(check: Callable[[], Awaitable[bool]]) -> Callable[[], Awaitable[bool]]:
    async def negated() -> bool:
        return not await check()

    return negated


async def test_a_frozen_redis_is_detected_and_publish_fails_instead_of_hanging(
    open_broadcast: OpenBroadcast, own_redis_server: RedisServer
) -> None:
    async with asyncio.timeout(2 * TIMEOUT):
        # given short timeouts and a PING after 100 ms of silence
        options = {
            "publish_timeout": 0.5,
            "ping_timeout": 0.3,
            "socket_timeout": 0.5,
            "health_check_interval": 0.1,
        }
        subscriber_process = await open_broadcast(own_redis_server.url, **options)
        publisher_process = await open_broadcast(own_redis_server.url, **options)
        loop = asyncio.get_running_loop()
        async with subscriber_process.subscribe("frozen:1") as subscriber:
            # when Redis stops answering but keeps every connection open
            own_redis_server.freeze()

            # then publish gives up after its timeout
            started = loop.time()
            with pytest.raises(BroadcastUnavailable, match="could not publish"):
                await publisher_process.publish("frozen:1", "lost")
            assert loop.time() - started < 2
            await wait_until(negate(subscriber_process.is_healthy))

            # when Redis answers again
            own_redis_server.thaw()

            # then the silent subscriber connection was replaced and delivers again
            await publish_until_received(publisher_process, subscriber, "frozen:1")
            assert backend_of(subscriber_process).reconnect_count >= 1
            await wait_until(subscriber_process.is_healthy)


@pytest.fixture
async def redis_user(admin: aioredis.Redis) -> AsyncIterator[tuple[str, str]]:
    """A Redis ACL user of its own (name, password), deleted afterwards."""
    name, password = f"ouderlink-test-{uuid.uuid4().hex[:12]}", uuid.uuid4().hex
    await admin.acl_setuser(
        name,
        enabled=True,
        passwords=[f"+{password}"],
        keys=["*"],
        channels=["*"],
        commands=["+@all"],
    )
    yield name, password
    await admin.acl_deluser(name)


def with_credentials(url: str, user: str, password: str) -> str:
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{user}:{password}@{rest}"


async def test_a_url_with_a_user_and_password_authenticates_the_subscriber_connection(
    redis_url: str,
    redis_user: tuple[str, str],
    open_broadcast: OpenBroadcast,
    channel: str,
    admin: aioredis.Redis,
) -> None:
    async with asyncio.timeout(TIMEOUT):
        # given a broadcast that logs in as its own Redis user
        url = with_credentials(redis_url, *redis_user)
        broadcast = await open_broadcast(url)
        async with broadcast.subscribe(channel) as subscriber:
            # when
            await broadcast.publish(channel, "with a password")
            # then it hears it, on a subscriber connection logged in as that user
            assert await receive(subscriber, 1) == ["with a password"]
            name = backend_of(broadcast).client_name
            users = {c["user"] for c in await admin.client_list() if c["name"] == name}
            assert users == {redis_user[0]}


async def test_a_wrong_password_is_a_clear_broadcast_unavailable(
    redis_url: str, redis_user: tuple[str, str]
) -> None:
    async with asyncio.timeout(TIMEOUT):
        # given
        url = with_credentials(redis_url, redis_user[0], "not-the-password")
        backend = RedisBackend(url, connect_timeout=0.5)
        # when / then
        with pytest.raises(BroadcastUnavailable, match=r"WRONGPASS|invalid username-password"):
            await backend.connect()


async def test_commands_written_at_once_are_each_carried_out_in_order(
    open_broadcast: OpenBroadcast,
) -> None:
    # given a subscriber on a channel
    channel = f"test-send-all-{uuid.uuid4().hex}"
    broadcast = await open_broadcast()
    async with broadcast.subscribe(channel) as subscriber:
        connection = await RespConnection.open(REDIS_URL, f"test-{uuid.uuid4().hex}")
        try:
            # when three PUBLISH commands go out in one write
            sent = connection.send_all(("PUBLISH", channel, f"m{n}") for n in range(3))
            replies: list[Any] = []
            while len(replies) < sent:
                replies += await asyncio.wait_for(connection.replies(), TIMEOUT)
        finally:
            connection.close()
        # then each was answered (one subscriber heard it), and arrived in order
        assert (sent, replies) == (3, [1, 1, 1])
        received = [await asyncio.wait_for(subscriber.get(), TIMEOUT) for _ in range(3)]
        assert [event.message for event in received] == ["m0", "m1", "m2"]


async def test_a_rush_larger_than_a_parsing_slice_arrives_whole_and_in_order(
    open_broadcast: OpenBroadcast,
) -> None:
    # given a subscriber, and messages that together and alone are larger than the 16 KB
    # slices the subscriber connection parses a read in
    channel = f"test-slices-{uuid.uuid4().hex}"
    messages = [f"{n}:" + "x" * (40_000 if n == 50 else 1_000) for n in range(100)]
    broadcast = await open_broadcast()
    async with broadcast.subscribe(channel) as subscriber:
        connection = await RespConnection.open(REDIS_URL, f"test-{uuid.uuid4().hex}")
        try:
            # when they are published at once
            sent = connection.send_all(("PUBLISH", channel, message) for message in messages)
            answered = 0
            while answered < sent:
                answered += len(await asyncio.wait_for(connection.replies(), TIMEOUT))
        finally:
            connection.close()
        # then every one arrives whole, in order
        received = [await asyncio.wait_for(subscriber.get(), TIMEOUT) for _ in messages]
        assert [event.message for event in received] == messages
