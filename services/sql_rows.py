"""Read statements that bring back rows of several tables in ONE round trip.

The hot paths (authentication, the home screen) ask for a user, their organisation, their
children with placements, groups, mentors, a timeline page with its items, authors and
photos. Instead of one statement per table, one statement returns one row whose columns
are JSON arrays of whole table rows (PostgreSQL `json_agg`, SQLite `json_group_array`),
turned back into ordinary Tortoise model instances with the fields' own conversions.

Parameters are named (`:name`). A list of ids is ONE parameter (PostgreSQL `int[]`, SQLite a
JSON array read with `json_each`), so the text of a statement never depends on list sizes
and asyncpg prepares it once per connection (its statement cache), not once per request.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import orjson
from tortoise import connections, fields
from tortoise.models import Model

M = TypeVar("M", bound=Model)

_PARAM = re.compile(r"(?<![:\w]):([a-z_][a-z0-9_]*)")
# (statement, PostgreSQL?) -> its text for the driver and the parameter of each marker.
_BOUND: dict[tuple[str, bool], tuple[str, list[str]]] = {}
_BOUND_MAX = 512


class Statement:
    """Builds SQL fragments for the dialect of the default connection."""

    def __init__(self) -> None:
        self.postgres = connections.get("default").capabilities.dialect == "postgres"

    def in_ids(self, column: str, param: str) -> str:
        """`column` is one of the ids in list parameter `param`."""
        if self.postgres:
            return f"{column} = ANY(:{param}::int[])"
        return f"{column} IN (SELECT value FROM json_each(:{param}))"

    def ids_of(self, param: str) -> str:
        """A subquery: the ids in list parameter `param`, one row each."""
        if self.postgres:
            return f"SELECT unnest(:{param}::int[])"
        return f"SELECT value FROM json_each(:{param})"

    def in_rows_of(self, column: str, subquery: str) -> str:
        """`column` is one of the values `subquery` returns. On PostgreSQL as an array, so
        that a few values are looked up by index rather than hashed against a whole table."""
        if self.postgres:
            return f"{column} = ANY(ARRAY({subquery}))"
        return f"{column} IN ({subquery})"

    def rows(
        self,
        model: type[Model],
        where: str,
        order_by: str = "",
        source: str = "",
        *,
        compact: bool = False,
    ) -> str:
        """An expression: the JSON array of whole rows of `model` (alias `t`) matching `where`;
        read from `source` (e.g. a WITH clause of the model's rows) instead of its table.
        Each row an object, or with `compact` an array of the model's columns in order (no
        column names repeated in every row: less to build, send and parse; for `instances`)."""
        table = source or f'"{model._meta.db_table}"'
        order = f" ORDER BY {order_by}" if order_by else ""
        values = ", ".join(f't."{c}"' for c in columns(model))
        if self.postgres:
            row = f"json_build_array({values})" if compact else "t"
            return f"(SELECT COALESCE(json_agg({row}{order}), '[]') FROM {table} t WHERE {where})"
        pairs = ", ".join(f"'{c}', t.\"{c}\"" for c in columns(model))
        row = f"json_array({values})" if compact else f"json_object({pairs})"
        return (
            f"(SELECT json_group_array({row}) "
            f"FROM (SELECT * FROM {table} t WHERE {where}{order}) t)"
        )

    def tuples(self, select: str, columns: Sequence[str], order_by: str) -> str:
        """An expression: the JSON array of `[columns...]` of a subquery (alias `q`), in order."""
        if self.postgres:
            return (
                f"(SELECT COALESCE(json_agg(json_build_array({', '.join(columns)}) "
                f"ORDER BY {order_by}), '[]') FROM ({select}) q)"
            )
        return (
            f"(SELECT json_group_array(json_array({', '.join(columns)})) "
            f"FROM (SELECT * FROM ({select}) ORDER BY {order_by}) q)"
        )

    def bind(self, sql: str, params: dict[str, Any]) -> tuple[str, list[Any]]:
        """`:name` markers become `$n` (PostgreSQL) or `?` (SQLite); lists become arrays."""
        key = (sql, self.postgres)
        bound = _BOUND.get(key)
        if bound is None:
            bound = self._bound(sql)
            if len(_BOUND) < _BOUND_MAX:  # texts do not depend on list sizes: few of them
                _BOUND[key] = bound
        query, names = bound
        if self.postgres:
            return query, [
                list(value) if isinstance(value, list | tuple) else value
                for value in (params[name] for name in names)
            ]
        return query, [_sqlite_value(params[name]) for name in names]

    def _bound(self, sql: str) -> tuple[str, list[str]]:
        """The statement's text for the driver, and the parameter behind each marker."""
        names: list[str] = []

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if not self.postgres:
                names.append(name)
                return "?"
            if name not in names:
                names.append(name)
            return f"${names.index(name) + 1}"

        return _PARAM.sub(replace, sql), names

    async def fetch_row(self, sql: str, params: dict[str, Any]) -> dict[str, Any] | None:
        """Run a one-row statement; JSON columns are decoded."""
        query, values = self.bind(sql, params)
        rows = await connections.get("default").execute_query_dict(query, values)
        if not rows:
            return None
        return {k: orjson.loads(v) if isinstance(v, str) else v for k, v in rows[0].items()}


def _sqlite_value(value: Any) -> Any:
    # Dates and datetimes: the adapters Tortoise registers (the same text a filter writes).
    return json.dumps(list(value)) if isinstance(value, list | tuple) else value


def moment(value: Any) -> Any:
    """A timestamp as JSON has it (ISO 8601), aware and in UTC like Tortoise's (C-speed).
    PostgreSQL writes UTC (`+00:00`), which parses to the `UTC` singleton: returned as it is
    (`astimezone` to the same zone cost as much as the parsing: ~0.35 µs a timestamp, and
    a computed home query reads hundreds)."""
    if not isinstance(value, str):
        return value
    at = datetime.fromisoformat(value)
    zone = at.tzinfo
    if zone is UTC:
        return at
    return at.astimezone(UTC) if zone is not None else at.replace(tzinfo=UTC)


def utc_iso_text(value: Any) -> str | None:
    """What `moment(value).isoformat()` gives, without parsing, for a timestamp as
    PostgreSQL writes it in JSON in UTC (`2026-11-29T18:12:17.12+00:00`: the fraction's
    trailing zeros dropped, none when it is zero); None for any other form (SQLite's text,
    another offset, a year outside 1000-9999): then parse it. (~0.3 µs against ~1.5 µs for
    parsing and writing it again: a live delivery writes one per message.)"""
    if (
        value.__class__ is not str
        or len(value) < 25
        or value[10] != "T"
        or value[19] not in ".+"
        or not value.endswith("+00:00")
    ):
        return None
    if value[19] == "+":
        return value if len(value) == 25 else None
    fraction = value[20:-6]
    if not 1 <= len(fraction) <= 6 or not fraction.isdigit():
        return None
    return value[:20] + fraction.ljust(6, "0") + "+00:00"


def _day(value: Any) -> Any:
    return date.fromisoformat(value[:10]) if isinstance(value, str) else value


# Fields whose JSON value is already the Python value (a number, a text).
_AS_IS = (
    fields.IntField,
    fields.BigIntField,
    fields.SmallIntField,
    fields.CharField,
    fields.TextField,
)


def _converter(field: Any) -> Callable[[Any], Any] | None:
    if isinstance(field, fields.DatetimeField):
        return moment
    if isinstance(field, fields.DateField):
        return _day
    if type(field) in _AS_IS:
        return None
    return field.to_python_value  # type: ignore[no-any-return]


_COLUMNS: dict[type[Model], list[tuple[str, str, Callable[[Any], Any] | None]]] = {}


def _fields(model: type[Model]) -> list[tuple[str, str, Callable[[Any], Any] | None]]:
    """(column, attribute, conversion or None) of each of the model's columns."""
    found = _COLUMNS.get(model)
    if found is None:
        meta = model._meta
        found = _COLUMNS[model] = [
            (column, name, _converter(meta.fields_map[name]))
            for name, column in meta.fields_db_projection.items()
        ]
    return found


def columns(model: type[Model]) -> list[str]:
    """The model's columns, in the order of a compact row's values."""
    return [column for column, _, _ in _fields(model)]


def instances(model: type[M], rows: list[Any] | None) -> list[M]:
    """Model instances from JSON rows, objects or compact arrays (values converted by each
    field, as a query would).

    The instance is what `Model._init_from_db` makes of a fetched row (a saved, complete
    row; attributes set without `Model.__setattr__`), without converting every value a
    second time, by a function generated once per model: a home screen builds hundreds."""
    if not rows:
        return []
    compact = rows[0].__class__ is list
    build = _BUILDERS.get((model, compact))
    if build is None:
        build = _BUILDERS[model, compact] = _builder(model, compact)
    return [build(row) for row in rows]


_BUILDERS: dict[tuple[type[Model], bool], Callable[[Any], Any]] = {}


def _builder(model: type[Model], compact: bool) -> Callable[[Any], Any]:
    custom_pk = model._meta.db_pk_column not in model._meta.generated_db_fields
    names: dict[str, Any] = {"new": model.__new__, "model": model}
    items = [
        "'_partial': False",
        "'_saved_in_db': True",
        f"'_custom_generated_pk': {custom_pk!r}",
        "'_await_when_save': {}",
    ]
    for n, (column, name, convert) in enumerate(_fields(model)):
        read = f"row[{n}]" if compact else f"row.get({column!r})"
        if convert is None:
            items.append(f"{name!r}: {read}")
        else:
            names[f"c{n}"] = convert
            items.append(f"{name!r}: None if (v{n} := {read}) is None else c{n}(v{n})")
    source = (
        "def build(row):\n"
        "    instance = new(model)\n"
        f"    instance.__dict__.update({{{', '.join(items)}}})\n"
        "    return instance\n"
    )
    # Made here from the model's own field and column names (identifiers).
    exec(compile(source, f"<rows of {model.__name__}>", "exec"), names)
    return names["build"]
