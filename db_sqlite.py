"""SQLite whose transactions take the write lock when they begin (`BEGIN IMMEDIATE`).

Tortoise begins SQLite transactions with a plain (deferred) `BEGIN`: the transaction
reads under a shared lock and asks for the write lock at its first write. When another
connection to the same file holds the write lock at that moment, SQLite cannot wait (each
would wait for the other) and fails the write at once with "database is locked", busy
timeout or not. One process with its one connection never meets this; the embedded shape
does as soon as a second process writes the same file (the demo seed or a script beside a
running server, the tests' server processes beside the tests). Begun IMMEDIATE, a
transaction waits for the write lock up front (up to the busy timeout, 5 s), and then
write transactions really are serialised, as `services.locks` counts on.

The engine module of SQLite URLs in `db.tortoise_config`.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from tortoise.backends.base.client import TransactionContext
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
)
from tortoise.exceptions import TransactionManagementError


class ImmediateTransaction(SqliteTransactionWrapper):
    async def begin(self) -> None:
        try:
            await self._connection.commit()
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise TransactionManagementError(exc) from exc


class ImmediateSqliteClient(SqliteClient):
    def _in_transaction(self) -> TransactionContext:
        return SqliteTransactionContext(ImmediateTransaction(self), self._lock)


client_class = ImmediateSqliteClient


def get_client_class(db_info: dict[str, Any]) -> type[SqliteClient]:
    return ImmediateSqliteClient
