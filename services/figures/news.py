"""News reach: for the newest published news items, how many parents can see each one and
how many parents have read it.

- audience: active parent accounts who see the item in their feed today: every active
  parent of the organisation for an organisation-wide item; for a location's item, the
  active guardians of children with a running or future placement at that location
- readers: parent accounts that have opened the item (recorded once per user), including
  parents who have since left its audience, so `readers` can exceed `audience` then
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models import Organisation
from services import clock
from services.figures import sql
from services.figures.ranges import check_first


@dataclass(frozen=True, slots=True)
class NewsReach:
    news_item_id: int
    title: str
    location_name: str | None
    published_at: datetime
    audience: int
    readers: int


async def news_reach(organisation_id: int, first: int = 20) -> list[NewsReach]:
    """The `first` newest published, not withdrawn news items, newest first."""
    check_first(first)
    organisation = await Organisation.get(id=organisation_id)
    today = clock.today(organisation.timezone)
    p = sql.params()
    org = p(organisation_id)
    statement = f"""
        WITH items AS (
            SELECT id, title, location_id, published_at FROM news_item
            WHERE organisation_id = {org} AND published_at IS NOT NULL AND withdrawn_at IS NULL
            ORDER BY published_at DESC, id DESC LIMIT {p(first)}
        ),
        parents AS (
            SELECT id FROM app_user WHERE organisation_id = {org} AND role = 'parent' AND is_active
        ),
        located AS (
            SELECT DISTINCT g.location_id AS location_id, gd.user_id AS user_id
            FROM placement pl
            JOIN childgroup g ON g.id = pl.group_id
            JOIN guardianship gd ON gd.child_id = pl.child_id
            JOIN parents ON parents.id = gd.user_id
            WHERE pl.organisation_id = {org}
                AND (pl.end_date IS NULL OR pl.end_date >= {p.day(today)})
        ),
        audience AS (
            SELECT i.id AS item_id, COUNT(*) AS n
            FROM items i JOIN located ON located.location_id = i.location_id
            GROUP BY i.id
        ),
        readers AS (
            SELECT r.news_item_id AS item_id, COUNT(*) AS n
            FROM news_read r
            JOIN items i ON i.id = r.news_item_id
            JOIN app_user u ON u.id = r.user_id
            WHERE u.role = 'parent'
            GROUP BY r.news_item_id
        )
        SELECT i.id AS id, i.title AS title, l.name AS location_name,
            i.published_at AS published_at,
            CASE WHEN i.location_id IS NULL THEN (SELECT COUNT(*) FROM parents)
                ELSE COALESCE(audience.n, 0) END AS audience,
            COALESCE(readers.n, 0) AS readers
        FROM items i
        LEFT JOIN location l ON l.id = i.location_id
        LEFT JOIN audience ON audience.item_id = i.id
        LEFT JOIN readers ON readers.item_id = i.id
        ORDER BY i.published_at DESC, i.id DESC"""
    return [
        NewsReach(
            int(r["id"]),
            r["title"],
            r["location_name"],
            sql.as_moment(r["published_at"]),  # type: ignore[arg-type]
            int(r["audience"]),
            int(r["readers"]),
        )
        for r in await sql.rows(statement, p)
    ]
