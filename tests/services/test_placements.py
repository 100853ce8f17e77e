"""Placements: which are active when, the weekly schedule, and the current mentor."""

from __future__ import annotations

from datetime import date, time, timedelta

from models import Placement, Role
from services import clock, placements
from tests import factories


async def test_without_a_date_running_and_future_placements_are_listed(db):
    # given
    t = await factories.tenant()
    today = clock.today()
    await factories.placement(
        t.child, t.bso, start=today - timedelta(days=400), end=today - timedelta(days=1)
    )
    future = await factories.placement(t.child, t.bso, start=today + timedelta(days=30))
    # when
    found = await placements.placements_for([t.child.id], today=today)
    # then
    assert [p.group_id for p in found[t.child.id]] == [t.babies.id, t.bso.id]
    assert found[t.child.id][-1].id == future.id


async def test_with_a_date_only_placements_active_that_day_are_listed(db):
    # given
    t = await factories.tenant()
    today = clock.today()
    old = await factories.placement(
        t.child, t.bso, start=today - timedelta(days=400), end=today - timedelta(days=300)
    )
    # when
    then = await placements.placements_for(
        [t.child.id, t.sibling.id], today=today, active_on=today - timedelta(days=350)
    )
    now = await placements.placements_for([t.child.id], today=today, active_on=today)
    # then
    assert [p.id for p in then[t.child.id]] == [old.id]
    assert t.sibling.id not in then  # the sibling's placement started 200 days ago
    assert [p.group_id for p in now[t.child.id]] == [t.babies.id]


def test_the_weekly_schedule_is_read_monday_first_skipping_nonsense():
    # given
    placement = Placement(
        schedule=[
            {"weekday": 3, "start": "08:00", "end": "17:30"},
            {"weekday": 0, "start": "07:30", "end": "18:00"},
            {"weekday": 9, "start": "07:30", "end": "18:00"},
            {"start": "07:30"},
        ]
    )
    # when
    days = placements.schedule_of(placement)
    # then
    assert [(d.weekday, d.start, d.end) for d in days] == [
        (0, time(7, 30), time(18, 0)),
        (3, time(8, 0), time(17, 30)),
    ]


async def test_the_mentor_comes_from_the_placement_running_today(db):
    # given
    t = await factories.tenant()
    today = clock.today()
    old_mentor = await factories.user(t.org, Role.STAFF)
    next_mentor = await factories.user(t.org, Role.STAFF)
    await Placement.filter(child_id=t.child.id).update(mentor_id=t.staff.id)
    await factories.placement(
        t.child,
        t.bso,
        start=today - timedelta(days=900),
        end=today - timedelta(days=300),
        mentor=old_mentor,
    )
    await factories.placement(t.child, t.bso, start=today + timedelta(days=3), mentor=next_mentor)
    rows = await Placement.filter(child_id=t.child.id)
    # when
    mentor = placements.current_mentor_id(rows, today)
    # then
    assert mentor == t.staff.id
    assert placements.current_mentor_id(rows, date(1990, 1, 1)) is None
