"""Tortoise configuration, shared by the server, the CLI, the migrations and the tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tortoise.backends.base.config_generator import expand_db_url

import settings

MODEL_MODULES = ["models"]


def tortoise_config(database_url: str | None = None) -> dict[str, Any]:
    url = database_url or settings.DATABASE_URL
    return {
        "connections": {"default": _connection(url)},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def _connection(url: str) -> str | dict[str, Any]:
    """The connection as Tortoise takes it: on PostgreSQL, with `release_as_is` as the
    pool's reset; on SQLite, with transactions that begin IMMEDIATE (`db_sqlite`)."""
    expanded = expand_db_url(url)
    if expanded["engine"] == "tortoise.backends.sqlite":
        expanded["engine"] = "db_sqlite"
        return expanded
    if expanded["engine"] != "tortoise.backends.asyncpg":
        return url
    expanded["credentials"]["reset"] = release_as_is
    return expanded


async def release_as_is(connection: Any) -> None:
    """The asyncpg pool's `reset`: nothing more to do. Before it, the pool has already
    rolled back a transaction left open (asyncpg's own `_reset`). What asyncpg's default
    would add is one more statement and round trip on every release (`RESET ALL; CLOSE
    ALL; UNLISTEN *; SELECT pg_advisory_unlock_all()`): this application keeps no session
    state on a connection (no SET, LISTEN, cursor WITH HOLD or session-level advisory
    lock: the event lock is per transaction)."""


# For the `tortoise` CLI: `tortoise -c db.TORTOISE_ORM makemigrations`.
TORTOISE_ORM = tortoise_config()


async def apply_migrations(database_url: str | None = None) -> None:
    """Apply every pending migration (the server does this on start)."""
    from tortoise import Tortoise
    from tortoise.migrations.api import migrate

    url = database_url or settings.DATABASE_URL
    if url.startswith("sqlite://") and ":memory:" not in url:
        Path(url.removeprefix("sqlite://")).parent.mkdir(parents=True, exist_ok=True)
    try:
        await migrate(config=tortoise_config(url))
    finally:
        await Tortoise.close_connections()
