"""Raw SQL for the figures, on SQLite and PostgreSQL alike.

Placeholders differ (`?1` on SQLite, `$1` on asyncpg; both numbered, so one can be used
twice) and so do dates: SQLite keeps dates as
`YYYY-MM-DD` text and moments as UTC text (`2026-04-20 07:00:00+00:00`), PostgreSQL has real
types. `Params` hands out the right placeholder and converts values the way the column holds
them, so that one statement text per dialect does the arithmetic in the database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from tortoise import connections


@dataclass
class Params:
    postgres: bool
    values: list[Any] = field(default_factory=list)

    def __call__(self, value: Any) -> str:
        """The placeholder for `value` (appended to the values)."""
        self.values.append(value)
        return f"${len(self.values)}" if self.postgres else f"?{len(self.values)}"

    def day(self, value: date) -> str:
        return self(value if self.postgres else value.isoformat())

    def moment(self, value: datetime) -> str:
        utc = value.astimezone(UTC)
        if self.postgres:
            return f"{self(utc)}::timestamptz"
        return self(utc.isoformat(sep=" "))

    def json_rows(self, rows: list[dict[str, Any]]) -> str:
        """A JSON array of objects, to be read with `json_table` (small grids only)."""
        text = json.dumps(rows, separators=(",", ":"), default=str)
        return f"{self(text)}::text::jsonb" if self.postgres else self(text)

    def ids(self, values: list[int]) -> str:
        """`IN (...)` / `= ANY(...)` right-hand side for a non-empty list of ids."""
        if self.postgres:
            return f"= ANY({self(list(values))}::int[])"
        return f"IN ({', '.join(self(v) for v in values)})"


def params() -> Params:
    return Params(postgres=is_postgres())


def is_postgres() -> bool:
    return connections.get("default").capabilities.dialect == "postgres"


async def rows(sql: str, p: Params) -> list[dict[str, Any]]:
    return await connections.get("default").execute_query_dict(sql, p.values)


def as_date(value: Any) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def as_moment(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def utc_text(value: datetime) -> str:
    """A moment as SQLite stores it (UTC text); PostgreSQL parses the same text."""
    return value.astimezone(UTC).isoformat(sep=" ")
