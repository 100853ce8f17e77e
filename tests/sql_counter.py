"""Count the SQL statements Tortoise sends, for N+1 tests.

The execute methods are wrapped on the client CLASS of the default connection, so every
connection of a pool and every transaction wrapper (subclasses) is counted too.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from tortoise import connections

METHODS = (
    "execute_query",
    "execute_query_dict",
    "execute_insert",
    "execute_many",
    "execute_script",
)
_MISSING = object()


@dataclass
class SqlLog:
    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)

    def __str__(self) -> str:
        return "\n".join(
            f"{n + 1:3}. {' '.join(s.split())[:200]}" for n, s in enumerate(self.statements)
        )


def _wrap(original, log: SqlLog):
    async def counted(self, query, *args, **kwargs):
        log.statements.append(query)
        return await original(self, query, *args, **kwargs)

    return counted


@contextmanager
def count_sql() -> Iterator[SqlLog]:
    """`with count_sql() as log: ...` then `log.count` / `log.statements`."""
    client_class = type(connections.get("default"))
    log = SqlLog()
    saved = {name: client_class.__dict__.get(name, _MISSING) for name in METHODS}
    for name in METHODS:
        setattr(client_class, name, _wrap(getattr(client_class, name), log))
    try:
        yield log
    finally:
        for name, original in saved.items():
            if original is _MISSING:
                delattr(client_class, name)
            else:
                setattr(client_class, name, original)


# --- round trips -----------------------------------------------------------------------
# The exchanges asyncpg sends and then waits for the answer of (asyncpg.protocol.Protocol).
_EXCHANGES = frozenset(
    {
        "prepare",  # Parse/Describe of a statement not in the connection's statement cache
        "bind_execute",
        "bind_execute_many",
        "bind",
        "execute",
        "query",  # simple protocol: BEGIN, COMMIT, the pool's reset on release, scripts
        "close_statement",
        "copy_in",
        "copy_out",
    }
)


def _what(name: str, args: tuple, kwargs: dict) -> str:
    if name == "prepare":
        return f"prepare: {kwargs.get('query', args[1] if len(args) > 1 else '')}"
    if name == "query":
        return f"query: {kwargs.get('query', args[0] if args else '')}"
    state = kwargs.get("state", args[0] if args else None)
    return f"{name}: {getattr(state, 'query', '')}"


class _CountingProtocol:
    """Stands in for a connection's protocol: each exchange is logged, then passed on."""

    def __init__(self, protocol: object, log: SqlLog) -> None:
        self._protocol = protocol
        self._log = log

    def __getattr__(self, name: str):
        value = getattr(self._protocol, name)
        if name not in _EXCHANGES:
            return value

        async def exchange(*args, **kwargs):
            self._log.statements.append(_what(name, args, kwargs))
            return await value(*args, **kwargs)

        return exchange


@contextmanager
def count_round_trips() -> Iterator[SqlLog]:
    """`with count_round_trips() as log: ...` then `log.count`: round trips to the database.

    PostgreSQL: every exchange asyncpg waits for — a statement's execution, its preparation
    when it is not in the connection's statement cache yet, BEGIN and COMMIT, and the reset
    when a connection goes back to the pool. SQLite runs in the process: every statement.
    """
    if connections.get("default").capabilities.dialect != "postgres":
        with count_sql() as log:
            yield log
        return
    from asyncpg.connection import Connection

    slot = Connection.__dict__["_protocol"]
    log = SqlLog()

    def get(connection: Connection):
        protocol = slot.__get__(connection, Connection)
        return None if protocol is None else _CountingProtocol(protocol, log)

    Connection._protocol = property(get, slot.__set__)  # type: ignore[assignment]
    try:
        yield log
    finally:
        Connection._protocol = slot  # type: ignore[assignment]
