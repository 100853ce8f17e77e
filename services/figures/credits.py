"""Credit usage per credit type and month, in minutes, from the append-only ledger.

- granted: purchases, in the month they were booked
- used: uses minus refunds, in the month of the care day they paid for
- reserved: reservations minus releases (held for days waiting for a decision), in the
  month of the care day
- expired: expiry entries, in the month they were booked

Booked months are months in the organisation's time zone. Entries whose care day no longer
exists count in the month they were booked. (Minutes left in a lot whose year has passed
count as expired in a balance even before an expiry entry is written; per month only the
written entries count.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from models import CreditType, Organisation
from services.figures import sql
from services.figures.ranges import local_midnight, months, next_month


@dataclass(frozen=True, slots=True)
class CreditMonth:
    month: date  # the first day of the month
    granted: int
    used: int
    reserved: int
    expired: int


@dataclass(frozen=True, slots=True)
class CreditTypeUsage:
    credit_type_id: int
    name: str
    months: tuple[CreditMonth, ...]


async def credit_usage(organisation_id: int, first: str, last: str) -> list[CreditTypeUsage]:
    """Every credit type of the organisation, every month from `first` to `last` (YYYY-MM)."""
    wanted = months(first, last)
    organisation = await Organisation.get(id=organisation_id)
    types = await CreditType.filter(organisation_id=organisation_id)
    types.sort(key=lambda t: (t.name, t.id))
    if not types:
        return []
    tz = organisation.timezone
    grid = [
        {
            "m": m.isoformat(),
            "n": next_month(m).isoformat(),
            "s": sql.utc_text(local_midnight(m, tz)),
            "e": sql.utc_text(local_midnight(next_month(m), tz)),
        }
        for m in wanted
    ]
    p = sql.params()
    rows = p.json_rows(grid)
    if p.postgres:
        grid_sql = f"""SELECT (e->>'m')::date AS m_first, (e->>'n')::date AS m_next,
            (e->>'s')::timestamptz AS starts, (e->>'e')::timestamptz AS ends
            FROM jsonb_array_elements({rows}) AS e"""
    else:
        grid_sql = f"""SELECT json_extract(value, '$.m') AS m_first, json_extract(value, '$.n')
            AS m_next, json_extract(value, '$.s') AS starts, json_extract(value, '$.e') AS ends
            FROM json_each({rows})"""
    statement = f"""
        WITH months AS ({grid_sql})
        SELECT e.credit_type_id AS credit_type_id, m.m_first AS month,
            SUM(CASE WHEN e.kind = 'purchase' THEN e.minutes ELSE 0 END) AS granted,
            SUM(CASE WHEN e.kind IN ('use', 'refund') THEN -e.minutes ELSE 0 END) AS used,
            SUM(CASE WHEN e.kind IN ('reservation', 'release') THEN -e.minutes ELSE 0 END)
                AS reserved,
            SUM(CASE WHEN e.kind = 'expiry' THEN -e.minutes ELSE 0 END) AS expired
        FROM credit_ledger_entry e
        LEFT JOIN requested_day d ON d.id = e.requested_day_id
        JOIN months m ON (
            (d.id IS NOT NULL AND d.date >= m.m_first AND d.date < m.m_next)
            OR (d.id IS NULL AND e.created_at >= m.starts AND e.created_at < m.ends))
        WHERE e.organisation_id = {p(organisation_id)}
        GROUP BY e.credit_type_id, m.m_first"""
    found = {
        (int(r["credit_type_id"]), sql.as_date(r["month"])): r for r in await sql.rows(statement, p)
    }
    result = []
    for t in types:
        per_month = []
        for m in wanted:
            r = found.get((t.id, m))
            figures = (
                (int(r["granted"]), int(r["used"]), int(r["reserved"]), int(r["expired"]))
                if r
                else (0, 0, 0, 0)
            )
            per_month.append(CreditMonth(m, *figures))
        result.append(CreditTypeUsage(t.id, t.name, tuple(per_month)))
    return result
