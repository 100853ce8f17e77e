"""On SQLite a transaction takes the write lock when it begins (`db_sqlite`), so one that
reads and then writes waits for another connection's write instead of failing with
"database is locked" (as a plain deferred BEGIN does when the other holds the lock)."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from tests.conftest import DATABASE_URL, IS_POSTGRES

pytestmark = pytest.mark.skipif(IS_POSTGRES, reason="SQLite's locking")

ROWS = "SELECT organisation_id FROM access_epoch ORDER BY organisation_id"


def another_process_writes(path: str, organisation_id: int) -> None:
    """What a second process on the same file does: a write transaction of its own."""
    other = sqlite3.connect(path, timeout=5, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute(
            "INSERT INTO access_epoch (organisation_id, n) VALUES (?, 1)", (organisation_id,)
        )
        other.execute("COMMIT")
    finally:
        other.close()


async def test_a_transaction_that_reads_then_writes_waits_for_another_connections_write(db):
    # given a transaction of the app that has read
    path = DATABASE_URL.removeprefix("sqlite://")
    async with in_transaction() as conn:
        await conn.execute_query(ROWS)
        # when another connection sets out to write meanwhile (it has had time to take the
        # write lock, if the transaction left it free)
        other = asyncio.create_task(asyncio.to_thread(another_process_writes, path, 2))
        await asyncio.sleep(0.5)
        # then the transaction's own write goes through
        await conn.execute_query("INSERT INTO access_epoch (organisation_id, n) VALUES (1, 1)")
    await other
    # and both writes are there, the other one after the transaction
    _, rows = await connections.get("default").execute_query(ROWS)
    assert [row["organisation_id"] for row in rows] == [1, 2]
