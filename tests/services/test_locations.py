"""Whose locations are whose ("my location"), and reading stored opening hours."""

from __future__ import annotations

from datetime import time, timedelta

from models import Role
from services import clock, locations
from tests import factories
from tests.publication_samples import principal_of


async def two_locations():
    """The standard tenant, plus a second location with a toddler group and its own family."""
    t = await factories.tenant()
    other_location = await factories.location(t.org, "Het Klavertje")
    toddlers = await factories.group(t.org, other_location, "Appeltjes")
    return t, other_location, toddlers


async def test_a_parent_gets_the_locations_where_their_children_are_placed(db):
    # given
    t, other_location, toddlers = await two_locations()
    stranger = await factories.user(t.org, Role.PARENT)
    await factories.child(t.org, guardians=[stranger], grp=toddlers)
    # when
    mine = await locations.location_ids_for(await principal_of(t.parent))
    theirs = await locations.location_ids_for(await principal_of(stranger))
    # then
    assert mine == [t.location.id]
    assert theirs == [other_location.id]


async def test_a_future_placement_counts_and_an_ended_one_does_not(db):
    # given
    t, other_location, toddlers = await two_locations()
    today = clock.today()
    moving = await factories.child(t.org, guardians=[t.other_parent])
    await factories.placement(moving, t.babies, end=today - timedelta(days=1))
    await factories.placement(moving, toddlers, start=today + timedelta(days=30))
    # when
    ids = await locations.location_ids_for(await principal_of(t.other_parent))
    # then: the old location stays through their other children, the new one is added
    assert ids == sorted([t.location.id, other_location.id])


async def test_a_parent_whose_only_placement_ended_has_no_location(db):
    # given
    t = await factories.tenant()
    leaver = await factories.user(t.org, Role.PARENT)
    await factories.child(
        t.org, guardians=[leaver], grp=t.babies, end=clock.today() - timedelta(days=3)
    )
    # when
    ids = await locations.location_ids_for(await principal_of(leaver))
    # then
    assert ids == []


async def test_staff_get_the_locations_of_the_groups_they_work_in(db):
    # given
    t, other_location, toddlers = await two_locations()
    worker = await factories.user(t.org, Role.STAFF)
    await factories.assign(worker, toddlers)
    # when
    ids = await locations.location_ids_for(await principal_of(worker))
    # then
    assert ids == [other_location.id]


async def test_planners_get_every_location_of_their_organisation_only(db):
    # given
    t, other_location, _ = await two_locations()
    await factories.tenant("zonnestraal")
    # when
    ids = await locations.location_ids_for(await principal_of(t.planner))
    # then
    assert ids == sorted([t.location.id, other_location.id])


async def test_locations_for_never_returns_another_organisations_location(db):
    # given
    t = await factories.tenant()
    other = await factories.tenant("zonnestraal")
    planner = await principal_of(t.planner)
    # when
    found = await locations.locations_for(planner, [t.location.id, other.location.id])
    # then
    assert [loc.id for loc in found] == [t.location.id]


def test_opening_hours_are_seven_days_monday_first_with_closed_days():
    # when
    days = locations.opening_days(
        {"mon": ["07:00", "18:30"], "tue": ["07:30", "18:00"], "sun": None}
    )
    # then
    assert [d.weekday for d in days] == list(range(7))
    assert (days[0].opens, days[0].closes) == (time(7, 0), time(18, 30))
    assert days[1].opens == time(7, 30)
    assert all(d.closed for d in days[2:])


def test_malformed_opening_hours_count_as_closed():
    # when
    days = locations.opening_days(
        {"mon": ["18:00", "07:00"], "tue": ["7 uur", "18:00"], "wed": ["07:00"], "thu": "x"}
    )
    # then
    assert all(d.closed for d in days)
    assert all(d.closed for d in locations.opening_days(None))
