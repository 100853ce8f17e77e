"""A child's diary, page by page: newest day first, a day's entries together.

Order: `date` descending, then `id` descending, so within a day the entry written last comes
first (ids follow writing order). The keyset is (date, id); pages of several children are
read in ONE statement (a window function, on both SQLite and PostgreSQL).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from tortoise import connections


@dataclass(frozen=True, slots=True, order=True)
class DiarySpot:
    """Where an entry sits in a diary."""

    date: date
    entry_id: int


@dataclass(frozen=True, slots=True)
class DiaryPage:
    spots: list[DiarySpot]
    has_next: bool


async def diary_pages(
    child_ids: Sequence[int], size: int, after: DiarySpot | None = None
) -> dict[int, DiaryPage]:
    """The next `size` entries of each child's diary after `after`."""
    ids = sorted({int(c) for c in child_ids})
    pages = {c: DiaryPage([], False) for c in ids}
    if not ids or size <= 0:
        return pages
    conn = connections.get("default")
    postgres = conn.capabilities.dialect == "postgres"
    marks = iter(f"${n}" for n in range(1, 10_000)) if postgres else None

    def mark() -> str:
        return next(marks) if marks else "?"

    values: list = []
    if postgres:
        child_filter = f"child_id = ANY({mark()}::int[])"
        values.append(ids)
    else:
        child_filter = f"child_id IN ({', '.join(mark() for _ in ids)})"
        values += ids
    keyset = ""
    if after is not None:
        day = after.date if postgres else after.date.isoformat()
        first, second, third = mark(), mark(), mark()
        keyset = f"AND (date < {first} OR (date = {second} AND id < {third}))"
        values += [day, day, after.entry_id]
    sql = f"""
        SELECT child_id, id, date FROM (
            SELECT child_id, id, date, ROW_NUMBER() OVER (
                PARTITION BY child_id ORDER BY date DESC, id DESC
            ) AS rn
            FROM diary_entry WHERE {child_filter} {keyset}
        ) ranked WHERE rn <= {mark()}"""
    values.append(size + 1)
    rows = await conn.execute_query_dict(sql, values)
    found: dict[int, list[DiarySpot]] = defaultdict(list)
    for row in rows:
        day = row["date"]
        day = date.fromisoformat(day) if isinstance(day, str) else day
        found[int(row["child_id"])].append(DiarySpot(day, int(row["id"])))
    for child_id, spots in found.items():
        spots.sort(reverse=True)
        pages[child_id] = DiaryPage(spots[:size], len(spots) > size)
    return pages
