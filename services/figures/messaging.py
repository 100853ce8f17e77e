"""How fast groups answer parents: time from a parent's first message to the first reply
by staff (a group staff member, planner or admin), per group.

A conversation counts for the period when its first message was written by a parent
within it (local days in the organisation's time zone). `answered` conversations have a
staff reply; the median is taken over those (the mean of the two middle ones for an even
number). The median is picked with window functions (ROW_NUMBER and COUNT over the group),
so it works on SQLite, which has no percentile_cont, as on PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from models import Organisation
from services.figures import sql
from services.figures.ranges import check_days, day_bounds

STAFF_ROLES = "('staff', 'planner', 'admin')"


@dataclass(frozen=True, slots=True)
class GroupResponseTimes:
    group_id: int
    name: str
    location_name: str
    conversations: int
    answered: int
    median_first_reply_seconds: int | None


async def response_times(organisation_id: int, start: date, end: date) -> list[GroupResponseTimes]:
    """Every group of the organisation (zeros when nobody wrote), by location and name."""
    check_days(start, end, max_days=366)
    organisation = await Organisation.get(id=organisation_id)
    since, until = day_bounds(start, end, organisation.timezone)
    p = sql.params()
    org = p(organisation_id)
    if p.postgres:
        seconds = "EXTRACT(EPOCH FROM (replied_at - asked_at))"
    else:
        seconds = "(julianday(replied_at) - julianday(asked_at)) * 86400.0"
    statement = f"""
        WITH firsts AS (
            SELECT m.conversation_id AS conversation_id, MIN(m.sent_at) AS asked_at
            FROM message m JOIN conversation c ON c.id = m.conversation_id
            WHERE c.organisation_id = {org}
            GROUP BY m.conversation_id
            HAVING MIN(m.sent_at) >= {p.moment(since)} AND MIN(m.sent_at) < {p.moment(until)}
        ),
        opened AS (
            SELECT f.conversation_id, f.asked_at FROM firsts f
            WHERE EXISTS (
                SELECT 1 FROM message m JOIN app_user u ON u.id = m.author_id
                WHERE m.conversation_id = f.conversation_id AND m.sent_at = f.asked_at
                    AND u.role = 'parent')
        ),
        replies AS (
            SELECT o.conversation_id, c.group_id, o.asked_at, MIN(m.sent_at) AS replied_at
            FROM opened o
            JOIN conversation c ON c.id = o.conversation_id
            LEFT JOIN message m ON m.conversation_id = o.conversation_id
                AND m.sent_at >= o.asked_at
                AND m.author_id IN (SELECT id FROM app_user WHERE organisation_id = {org}
                    AND role IN {STAFF_ROLES})
            GROUP BY o.conversation_id, c.group_id, o.asked_at
        ),
        timed AS (
            SELECT group_id, {seconds} AS secs FROM replies WHERE replied_at IS NOT NULL
        ),
        ranked AS (
            SELECT group_id, secs,
                ROW_NUMBER() OVER (PARTITION BY group_id ORDER BY secs) AS rn,
                COUNT(*) OVER (PARTITION BY group_id) AS total
            FROM timed
        ),
        medians AS (
            SELECT group_id, AVG(secs) AS median FROM ranked
            WHERE rn = (total + 1) / 2 OR rn = (total + 2) / 2
            GROUP BY group_id
        ),
        counts AS (
            SELECT group_id, COUNT(*) AS conversations, COUNT(replied_at) AS answered
            FROM replies GROUP BY group_id
        )
        SELECT g.id AS group_id, g.name AS name, l.name AS location_name,
            COALESCE(counts.conversations, 0) AS conversations,
            COALESCE(counts.answered, 0) AS answered, medians.median AS median
        FROM childgroup g
        JOIN location l ON l.id = g.location_id
        LEFT JOIN counts ON counts.group_id = g.id
        LEFT JOIN medians ON medians.group_id = g.id
        WHERE g.organisation_id = {org}
"""
    found = [
        GroupResponseTimes(
            int(r["group_id"]),
            r["name"],
            r["location_name"],
            int(r["conversations"]),
            int(r["answered"]),
            None if r["median"] is None else round(float(r["median"])),
        )
        for r in await sql.rows(statement, p)
    ]
    # Sorted here, not in SQL: the same order whatever the database's collation.
    return sorted(found, key=lambda g: (g.location_name, g.name, g.group_id))
