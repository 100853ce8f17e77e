"""Row locks for rules that must not race (the last hours of a credit, the last place).

On PostgreSQL these are `SELECT … FOR NO KEY UPDATE` row locks, held until the transaction
ends; SQLite serialises write transactions anyway (and ignores FOR UPDATE). To avoid
deadlocks every service takes them in one order: groups, then children, then requested
days, each by ascending id. NO KEY UPDATE still lets other transactions insert rows that
reference the locked ones (messages about a child, for instance).
"""

from __future__ import annotations

from collections.abc import Iterable

from tortoise.backends.base.client import BaseDBAsyncClient

from models import Child, Group, RequestedDay


async def lock_groups(ids: Iterable[int], conn: BaseDBAsyncClient) -> None:
    """Serialise everything that counts places in these groups."""
    wanted = sorted(set(ids))
    if wanted:
        await (
            Group.filter(id__in=wanted).order_by("id").select_for_update(no_key=True).using_db(conn)
        )


async def lock_children(ids: Iterable[int], conn: BaseDBAsyncClient) -> None:
    """Serialise everything that moves credit of these children."""
    wanted = sorted(set(ids))
    if wanted:
        await (
            Child.filter(id__in=wanted).order_by("id").select_for_update(no_key=True).using_db(conn)
        )


async def lock_days(ids: Iterable[int], conn: BaseDBAsyncClient) -> dict[int, RequestedDay]:
    """Lock requested days and return their current state."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = await (
        RequestedDay.filter(id__in=wanted).order_by("id").select_for_update().using_db(conn)
    )
    return {row.id: row for row in rows}
