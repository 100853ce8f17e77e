"""Tortoise configuration, shared by the server, the CLI, the migrations and the tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import settings

MODEL_MODULES = ["models"]


def tortoise_config(database_url: str | None = None) -> dict[str, Any]:
    url = database_url or settings.DATABASE_URL
    return {
        "connections": {"default": url},
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
