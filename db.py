"""Tortoise configuration, shared by the server, the CLI, the migrations and the tests."""

from __future__ import annotations

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
