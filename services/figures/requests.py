"""Pending day requests: days waiting for a planner's decision, in total and per location.

A day is pending while its status is REQUESTED, its request's expiry moment has not passed
and the day has not started (the moments at which services.expiry lets it lapse), so the
figure never counts a day that is due to lapse even before the expiry task has run.
`requested_at` is when the request was submitted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from models import Organisation
from services import clock
from services.figures import sql


@dataclass(frozen=True, slots=True)
class PendingAtLocation:
    location_id: int
    name: str
    days: int
    requests: int
    oldest_requested_at: datetime


@dataclass(frozen=True, slots=True)
class PendingRequests:
    days: int
    requests: int
    oldest_requested_at: datetime | None
    per_location: tuple[PendingAtLocation, ...]


async def pending_requests(organisation_id: int) -> PendingRequests:
    organisation = await Organisation.get(id=organisation_id)
    now = clock.now()
    local = now.astimezone(ZoneInfo(organisation.timezone))
    p = sql.params()
    today, hhmm = local.date(), local.strftime("%H:%M")
    statement = f"""
        WITH pending AS (
            SELECT g.location_id AS location_id, l.name AS name, r.request_id AS request_id,
                q.created_at AS requested_at
            FROM requested_day r
            JOIN day_request q ON q.id = r.request_id
            JOIN childgroup g ON g.id = r.group_id
            JOIN location l ON l.id = g.location_id
            WHERE r.organisation_id = {p(organisation_id)} AND r.status = 'requested'
                AND (q.expires_at IS NULL OR q.expires_at > {p.moment(now)})
                AND (r.date > {p.day(today)}
                    OR (r.date = {p.day(today)} AND r.start_time > {p(hhmm)}))
        )
        SELECT location_id, name, COUNT(*) AS days, COUNT(DISTINCT request_id) AS requests,
            MIN(requested_at) AS oldest
        FROM pending GROUP BY location_id, name
        UNION ALL
        SELECT NULL, NULL, COUNT(*), COUNT(DISTINCT request_id), MIN(requested_at) FROM pending
        """
    found = await sql.rows(statement, p)
    total = next(r for r in found if r["location_id"] is None)
    places = sorted(
        (
            PendingAtLocation(
                int(r["location_id"]),
                r["name"],
                int(r["days"]),
                int(r["requests"]),
                sql.as_moment(r["oldest"]),  # type: ignore[arg-type]
            )
            for r in found
            if r["location_id"] is not None
        ),
        key=lambda x: (x.name, x.location_id),
    )
    return PendingRequests(
        int(total["days"]), int(total["requests"]), sql.as_moment(total["oldest"]), tuple(places)
    )
