"""The PostgreSQL pool takes connections back as they are (`db.release_as_is`): no reset
statement and round trip per release, and still no transaction left open."""

from __future__ import annotations

import asyncpg
import pytest
from tortoise import connections

from tests.conftest import IS_POSTGRES

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(not IS_POSTGRES, reason="the pool is asyncpg's"),
]


async def backend(database_url: str, pid: int) -> tuple[str, str]:
    """The last statement and the state of a server process, seen from outside the pool."""
    conn = await asyncpg.connect(database_url.replace("postgres://", "postgresql://", 1))
    try:
        row = await conn.fetchrow("SELECT query, state FROM pg_stat_activity WHERE pid = $1", pid)
    finally:
        await conn.close()
    assert row is not None
    return row["query"], row["state"]


async def test_a_released_connection_ran_no_statement_after_the_applications(db: str) -> None:
    # given a connection from the pool that ran one statement
    async with connections.get("default").acquire_connection() as connection:
        pid = await connection.fetchval("SELECT pg_backend_pid() /* the last one */")

    # when it is back in the pool (above), then its last statement is still that one
    query, state = await backend(db, pid)
    assert query == "SELECT pg_backend_pid() /* the last one */"
    assert state == "idle"


async def test_a_transaction_left_open_is_rolled_back_when_the_connection_goes_back(
    db: str,
) -> None:
    # given a connection released in the middle of a transaction holding a lock
    async with connections.get("default").acquire_connection() as connection:
        pid = await connection.fetchval("SELECT pg_backend_pid()")
        await connection.execute("BEGIN")
        await connection.execute("SELECT pg_advisory_xact_lock(8, 8)")

    # then the pool rolled it back: nothing is held open
    query, state = await backend(db, pid)
    assert (query, state) == ("ROLLBACK", "idle")
    conn = await asyncpg.connect(db.replace("postgres://", "postgresql://", 1))
    try:
        held = await conn.fetchval("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")
    finally:
        await conn.close()
    assert held == 0
