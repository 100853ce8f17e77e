"""Occupancy per location, group and open day: the same count the capacity check makes.

A child takes up a place in a group on a day when it has care there (a contract day from
its placement's weekly schedule, or an extra or flexible day that is pending or approved)
and is not absent for all of it (see services.capacity and services.planning.covers).

- planned: children taking up a place, as capacity decisions count them
- absent: children with care there that day who are absent for all of it
- extra_requested / extra_approved: children with a pending / approved extra or flexible day

Only days the location is open are listed (weekends, public holidays, closure days and
days without opening hours are left out). Contract days are never stored: the weekly
schedules are expanded in SQL against a grid of open days built from the calendar.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from models import Group, Location
from services.calendar import ClosureCalendar, dates
from services.figures import sql
from services.figures.ranges import check_days
from services.time_blocks import MIDDAY


@dataclass(frozen=True, slots=True)
class OccupancyDay:
    date: date
    planned: int
    absent: int
    extra_requested: int
    extra_approved: int


@dataclass(frozen=True, slots=True)
class GroupOccupancy:
    group_id: int
    name: str
    capacity: int
    days: tuple[OccupancyDay, ...]


@dataclass(frozen=True, slots=True)
class LocationOccupancy:
    location_id: int
    name: str
    groups: tuple[GroupOccupancy, ...]


async def occupancy(
    organisation_id: int, start: date, end: date, location_id: int | None = None
) -> list[LocationOccupancy] | None:
    """Per location and group, every open day from `start` to `end`; None when the
    location is not one of this organisation."""
    check_days(start, end)
    locations = Location.filter(organisation_id=organisation_id)
    if location_id is not None:
        locations = locations.filter(id=location_id)
    # Sorted here, not in SQL: the same order whatever the database's collation.
    found = sorted(await locations, key=lambda loc: (loc.name, loc.id))
    if location_id is not None and not found:
        return None
    groups = await Group.filter(
        organisation_id=organisation_id, location_id__in=[loc.id for loc in found] or [0]
    )
    groups.sort(key=lambda g: (g.name, g.id))
    calendar = await ClosureCalendar.load(organisation_id, start, end)
    open_days = {
        loc.id: [d for d in dates(start, end) if calendar.closed(loc, d) is None] for loc in found
    }
    counts = await _counts(organisation_id, start, end, open_days) if groups else {}
    by_location: dict[int, list[GroupOccupancy]] = defaultdict(list)
    for g in groups:
        days = tuple(
            OccupancyDay(d, *counts.get((g.id, d), (0, 0, 0, 0)))
            for d in open_days[g.location_id]  # type: ignore[attr-defined]
        )
        by_location[g.location_id].append(GroupOccupancy(g.id, g.name, g.capacity, days))  # type: ignore[attr-defined]
    return [LocationOccupancy(loc.id, loc.name, tuple(by_location[loc.id])) for loc in found]


async def _counts(
    organisation_id: int, start: date, end: date, open_days: dict[int, list[date]]
) -> dict[tuple[int, date], tuple[int, int, int, int]]:
    grid = [
        {"l": loc, "d": d.isoformat(), "w": d.weekday()}
        for loc, days in open_days.items()
        for d in days
    ]
    if not grid:
        return {}
    p = sql.params()
    org = p(organisation_id)
    grid_rows = p.json_rows(grid)
    midday = MIDDAY.strftime("%H:%M")
    if p.postgres:
        grid_sql = f"""SELECT (e->>'l')::int AS location_id, (e->>'d')::date AS day,
            (e->>'w')::int AS weekday FROM jsonb_array_elements({grid_rows}) AS e"""
        schedule = "CROSS JOIN LATERAL jsonb_array_elements(p.schedule::jsonb) AS s(v)"
        weekday, starts, ends = "(s.v->>'weekday')::int", "s.v->>'start'", "s.v->>'end'"
    else:
        grid_sql = f"""SELECT CAST(json_extract(value, '$.l') AS INTEGER) AS location_id,
            json_extract(value, '$.d') AS day, CAST(json_extract(value, '$.w') AS INTEGER)
            AS weekday FROM json_each({grid_rows})"""
        schedule = "JOIN json_each(p.schedule) AS s"
        weekday = "CAST(json_extract(s.value, '$.weekday') AS INTEGER)"
        starts, ends = "json_extract(s.value, '$.start')", "json_extract(s.value, '$.end')"
    statement = f"""
        WITH grid AS ({grid_sql}),
        slots AS (
            SELECT p.group_id AS group_id, grid.day AS day, p.child_id AS child_id,
                substr({starts}, 1, 5) AS starts, substr({ends}, 1, 5) AS ends,
                0 AS pending, 0 AS approved
            FROM placement p
            JOIN childgroup g ON g.id = p.group_id
            JOIN grid ON grid.location_id = g.location_id
            {schedule}
            WHERE p.organisation_id = {org} AND {weekday} = grid.weekday
                AND p.start_date <= grid.day AND (p.end_date IS NULL OR p.end_date >= grid.day)
            UNION ALL
            SELECT r.group_id, r.date, r.child_id, r.start_time, r.end_time,
                CASE WHEN r.status = 'requested' THEN 1 ELSE 0 END,
                CASE WHEN r.status = 'approved' THEN 1 ELSE 0 END
            FROM requested_day r
            JOIN childgroup g ON g.id = r.group_id
            JOIN grid ON grid.location_id = g.location_id AND grid.day = r.date
            WHERE r.organisation_id = {org} AND r.status IN ('requested', 'approved')
        ),
        away AS (
            SELECT child_id, date AS day,
                MAX(CASE WHEN day_part = 'whole_day' THEN 1 ELSE 0 END) AS whole,
                MAX(CASE WHEN day_part = 'morning' THEN 1 ELSE 0 END) AS morning,
                MAX(CASE WHEN day_part = 'afternoon' THEN 1 ELSE 0 END) AS afternoon
            FROM absence
            WHERE organisation_id = {org} AND date >= {p.day(start)} AND date <= {p.day(end)}
            GROUP BY child_id, date
        ),
        per_child AS (
            SELECT s.group_id, s.day, s.child_id,
                MIN(CASE WHEN a.child_id IS NOT NULL AND (a.whole = 1 OR (
                    (s.starts >= '{midday}' OR a.morning = 1)
                    AND (s.ends <= '{midday}' OR a.afternoon = 1))) THEN 1 ELSE 0 END) AS gone,
                MAX(s.pending) AS pending, MAX(s.approved) AS approved
            FROM slots s LEFT JOIN away a ON a.child_id = s.child_id AND a.day = s.day
            GROUP BY s.group_id, s.day, s.child_id
        )
        SELECT group_id, day, SUM(1 - gone) AS planned, SUM(gone) AS absent,
            SUM(pending) AS extra_requested, SUM(approved) AS extra_approved
        FROM per_child GROUP BY group_id, day"""
    return {
        (int(r["group_id"]), sql.as_date(r["day"])): (
            int(r["planned"]),
            int(r["absent"]),
            int(r["extra_requested"]),
            int(r["extra_approved"]),
        )
        for r in await sql.rows(statement, p)
    }
