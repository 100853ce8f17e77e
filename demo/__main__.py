"""`python -m demo [--database-url URL] [--reset]`: migrate, seed once, print the demo logins."""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path

from tortoise import Tortoise

import db
import settings
from demo.seed import format_logins, reset_demo, seed


def _ensure_sqlite_folder(url: str) -> None:
    if url.startswith("sqlite://") and ":memory:" not in url:
        Path(url.removeprefix("sqlite://").split("?", 1)[0]).parent.mkdir(
            parents=True, exist_ok=True
        )


async def run(database_url: str, reset: bool = False) -> None:
    started = time.perf_counter()
    _ensure_sqlite_folder(database_url)
    await db.apply_migrations(database_url)
    await Tortoise.init(config=db.tortoise_config(database_url))
    try:
        if reset:
            await reset_demo()
        summary = await seed()
    finally:
        await Tortoise.close_connections()
    if summary.created:
        counts = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in summary.counts.items())
        print(f"Demo data created in {time.perf_counter() - started:.1f} s: {counts}.")
    else:
        print("Demo data already present (use --reset to recreate it).")
    print(f"Media files: {settings.MEDIA_ROOT}\n")
    print(format_logins(summary.logins))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m demo", description=__doc__)
    parser.add_argument(
        "--database-url", default=settings.DATABASE_URL, help="default: DATABASE_URL"
    )
    parser.add_argument("--reset", action="store_true", help="delete the demo organisations first")
    args = parser.parse_args(argv)
    asyncio.run(run(args.database_url, reset=args.reset))


if __name__ == "__main__":
    main()
