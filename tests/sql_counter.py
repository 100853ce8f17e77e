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
