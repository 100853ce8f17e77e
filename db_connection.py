"""One database connection per request (PostgreSQL).

Tortoise takes a pool connection for every statement, and asyncpg resets a connection when
it goes back to the pool: one more round trip for every statement. Inside `one_connection()`
the first statement takes a pool connection and keeps it; every later statement and
transaction of the request runs on it, one at a time, and it goes back to the pool (and is
reset) once, when `release()` is called or the block ends.

Tasks started inside the block (a background publication, say) may outlive it: after the
release they simply use the pool again. SQLite has one connection anyway: nothing changes.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from tortoise import connections
from tortoise.backends.asyncpg.client import AsyncpgDBClient, TransactionWrapper
from tortoise.backends.base.client import NestedTransactionContext, TransactionContext


class PinnedConnection(AsyncpgDBClient):
    """The pool client of the app, bound to one pool connection until released."""

    _parent: AsyncpgDBClient
    _released: bool

    @classmethod
    def of(cls, client: AsyncpgDBClient) -> PinnedConnection:
        pinned = cls.__new__(cls)
        pinned.__dict__.update(client.__dict__)
        pinned._parent = client
        pinned._connection = None
        pinned._lock = asyncio.Lock()
        pinned._released = False
        return pinned

    def acquire_connection(self) -> Any:
        if self._released:
            return self._parent.acquire_connection()
        return _OneAtATime(self)

    def _in_transaction(self) -> TransactionContext:
        if self._released:
            return self._parent._in_transaction()
        return _PinnedTransaction(self)

    async def take(self) -> Any:
        """The pinned connection (taken from the pool at the first call). Hold `_lock`."""
        if self._connection is None:
            await self._parent.acquire_connection().ensure_connection()  # the pool exists
            self._connection = await self._parent._pool.acquire()  # type: ignore[union-attr]
        return self._connection

    async def release(self) -> None:
        """Give the connection back to the pool (asyncpg resets it: one round trip)."""
        async with self._lock:
            if self._released:
                return
            self._released = True
            if self._connection is not None and self._parent._pool is not None:
                connection, self._connection = self._connection, None
                await self._parent._pool.release(connection)


class _OneAtATime:
    """`async with`: the pinned connection, for one statement of one task at a time."""

    __slots__ = ("pinned",)

    def __init__(self, pinned: PinnedConnection) -> None:
        self.pinned = pinned

    async def __aenter__(self) -> Any:
        await self.pinned._lock.acquire()
        try:
            return await self.pinned.take()
        except BaseException:
            self.pinned._lock.release()
            raise

    async def __aexit__(self, *exc: object) -> None:
        self.pinned._lock.release()


class _PinnedTransaction(TransactionContext):
    """A transaction on the pinned connection (BEGIN ... COMMIT, savepoints when nested)."""

    def __init__(self, pinned: PinnedConnection) -> None:
        self.pinned = pinned
        self.inner: NestedTransactionContext | None = None

    async def __aenter__(self) -> Any:
        async with self.pinned._lock:
            await self.pinned.take()
            wrapper = TransactionWrapper(self.pinned)
            wrapper._lock = self.pinned._lock  # statements of other tasks wait their turn
            self.inner = NestedTransactionContext(wrapper)
            return await self.inner.__aenter__()  # BEGIN (or SAVEPOINT)

    async def __aexit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> None:
        assert self.inner is not None
        async with self.pinned._lock:
            await self.inner.__aexit__(exc_type, exc_val, exc_tb)  # COMMIT or ROLLBACK


@asynccontextmanager
async def one_connection() -> AsyncIterator[PinnedConnection | None]:
    """Run the block's statements on one connection (None: nothing to pin, e.g. SQLite)."""
    client = connections.get("default")
    if type(client) is not AsyncpgDBClient:  # SQLite, or already in a transaction
        yield None
        return
    pinned = PinnedConnection.of(client)
    token = connections.set("default", pinned)
    try:
        yield pinned
    finally:
        connections.reset(token)
        await pinned.release()
