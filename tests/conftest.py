"""Test set-up for both shapes.

- Embedded (default): a SQLite file in a temporary folder, in-process broadcast.
- Production shape: TEST_DATABASE_URL=postgres://... (a fresh database is created for the
  run and dropped after it) and REDIS_URL=redis://...

Every test that asks for `db` starts from a clean, migrated database.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlparse, urlunparse

_TMP = Path(tempfile.mkdtemp(prefix="ouderlink-test-"))
_BASE_URL = os.environ.get("TEST_DATABASE_URL", "")
if _BASE_URL.startswith(("postgres://", "postgresql://")):
    _parsed = urlparse(_BASE_URL)
    TEST_DB_NAME = f"ouderlink_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    DATABASE_URL = urlunparse(_parsed._replace(path=f"/{TEST_DB_NAME}"))
    ADMIN_DSN = urlunparse(_parsed._replace(scheme="postgresql", path="/postgres"))
else:
    TEST_DB_NAME = ""
    DATABASE_URL = f"sqlite://{_TMP / 'test.sqlite3'}"
    ADMIN_DSN = ""

# Settings are read once, at import: set the environment before anything imports them.
os.environ["OUDERLINK_ENV"] = "test"
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ["MEDIA_ROOT"] = str(_TMP / "media")
os.environ.setdefault("SECRET_KEY", "test-secret-" + uuid.uuid4().hex)
# One Redis may serve several test runs at once: channels and client names unique per run.
RUN_ID = uuid.uuid4().hex[:10]
os.environ["BROADCAST_CHANNEL_PREFIX"] = f"ouderlink-test-{RUN_ID}:"
os.environ["BROADCAST_CLIENT_NAME"] = f"ouderlink-test-{RUN_ID}"
# Server processes started by tests run no notification or webhook worker (tests drive them),
# and never write a VAPID key into the work tree.
os.environ["NOTIFICATIONS_WORKER"] = "false"
os.environ["WEBHOOKS_WORKER"] = "false"
os.environ["VAPID_KEY_FILE"] = str(_TMP / "vapid-private.txt")

import httpx  # noqa: E402
import pytest  # noqa: E402
import pytest_asyncio  # noqa: E402
from tortoise import Tortoise, connections  # noqa: E402

import db as database  # noqa: E402
import settings  # noqa: E402
from services import clock  # noqa: E402

IS_POSTGRES = bool(TEST_DB_NAME)
REDIS_URL = os.environ.get("REDIS_URL", "")

# Real server processes and WebSocket clients for the live tests (fixtures live_servers,
# start_server).
pytest_plugins = ("tests.live",)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def _drop_abandoned_databases(conn) -> None:
    """Drop test databases whose run was killed before it could drop its own."""
    rows = await conn.fetch("SELECT datname FROM pg_database WHERE datname LIKE 'ouderlink_test_%'")
    for row in rows:
        parts = row["datname"].split("_")
        if len(parts) >= 3 and parts[2].isdigit() and not _pid_alive(int(parts[2])):
            await conn.execute(f'DROP DATABASE IF EXISTS "{row["datname"]}" WITH (FORCE)')


async def _create_postgres_database() -> None:
    import asyncpg

    conn = await asyncpg.connect(ADMIN_DSN)
    try:
        await _drop_abandoned_databases(conn)
        await conn.execute(f'CREATE DATABASE "{TEST_DB_NAME}"')
    finally:
        await conn.close()


async def _drop_postgres_database() -> None:
    import asyncpg

    conn = await asyncpg.connect(ADMIN_DSN)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{TEST_DB_NAME}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def orm() -> AsyncIterator[str]:
    """A migrated database for the whole run, with Tortoise initialised."""
    if IS_POSTGRES:
        await _create_postgres_database()
    try:
        await database.apply_migrations(DATABASE_URL)
        await Tortoise.init(
            config=database.tortoise_config(DATABASE_URL), _enable_global_fallback=True
        )
        yield DATABASE_URL
        await Tortoise.close_connections()
    finally:
        if IS_POSTGRES:
            await _drop_postgres_database()


def _tables() -> list[str]:
    return [m._meta.db_table for m in Tortoise.apps["models"].values()]


async def _clean() -> None:
    conn = connections.get("default")
    tables = _tables()
    if IS_POSTGRES:
        quoted = ", ".join(f'"{t}"' for t in tables)
        await conn.execute_script(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
    else:
        script = "PRAGMA foreign_keys = OFF;\n"
        script += "".join(f'DELETE FROM "{t}";\n' for t in tables)
        script += "DELETE FROM sqlite_sequence;\nPRAGMA foreign_keys = ON;"
        await conn.execute_script(script)


@pytest_asyncio.fixture(loop_scope="session")
async def db(orm: str) -> AsyncIterator[str]:
    """A clean database for this test."""
    from services import rate_budget

    await _clean()
    # Query budgets are per user/token id, and a clean database hands out the same ids again.
    await rate_budget.forget_all()
    # Cached answers are keyed by session ids, which repeat after a clean database too.
    from schema import result_cache

    result_cache.clear()
    yield orm
    clock.set_clock(None)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def app(orm: str):
    from server import create_app
    from subscriptions import hub

    # No relay here: tests run `hub.relay_once()` themselves when they mean to.
    await hub.start(REDIS_URL or None, relay=False)
    try:
        yield create_app()
    finally:
        await hub.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def client(app, db) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 51000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


class GraphQLClient:
    """Posts GraphQL documents to the app, as a given bearer token (or anonymous)."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def __call__(
        self, query: str, variables: dict | None = None, *, token: str | None = None
    ) -> dict:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
def gql(client: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(client)


__all__ = ["IS_POSTGRES", "REDIS_URL", "settings"]
