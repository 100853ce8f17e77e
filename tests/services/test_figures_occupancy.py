"""Occupancy figures: counted in SQL the way capacity decisions count, open days only."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models import ClosureDay, DayPart, DayStatus
from services.capacity import Occupancy
from services.figures import FigureInputError
from services.figures.occupancy import occupancy
from tests import factories
from tests.agenda_helpers import FRIDAY, KINGS_DAY, MONDAY, THURSDAY, TUESDAY, at, set_now
from tests.figures_samples import absence, requested_day

WEDNESDAY = MONDAY + timedelta(days=2)


async def _week():
    """Boompjes (cap 12): Sam and Daan on Mon, Tue, Thu. BSO (cap 20): Noor, Lotte and a
    leaver (until Tuesday) on Mon, Tue, Thu. Wednesday the location is closed."""
    set_now(at(MONDAY))
    t = await factories.tenant()
    leaver = await factories.child(t.org, grp=t.bso, start=MONDAY - timedelta(days=30), end=TUESDAY)
    await ClosureDay.create(organisation=t.org, location=t.location, date=WEDNESDAY)
    # Tuesday: Sam away all day. Thursday: Daan away in the morning only (care till 18:00).
    await absence(t.child, t.babies, TUESDAY)
    await absence(t.other_child, t.babies, THURSDAY, DayPart.MORNING)
    # Thursday: Lotte (BSO) asks for a morning in Boompjes; Noor's request there was rejected.
    await requested_day(t.bso_child, t.babies, THURSDAY)
    await requested_day(t.sibling, t.babies, THURSDAY, DayStatus.REJECTED)
    # Friday: Sam asks for a morning; Daan has an approved afternoon but is away that afternoon.
    await requested_day(t.child, t.babies, FRIDAY)
    await requested_day(t.other_child, t.babies, FRIDAY, DayStatus.APPROVED, "13:00", "18:00")
    await absence(t.other_child, t.babies, FRIDAY, DayPart.AFTERNOON)
    # Another organisation with the same schedule counts for itself only.
    other = await factories.tenant("elders")
    return t, leaver, other


def _days(group) -> dict:
    return {d.date: (d.planned, d.absent, d.extra_requested, d.extra_approved) for d in group.days}


async def test_occupancy_per_group_and_open_day(db):
    # given
    t, _, _ = await _week()
    # when
    found = await occupancy(t.org.id, MONDAY, KINGS_DAY)
    # then: Wednesday (closure day), the weekend and King's Day are left out
    assert [loc.name for loc in found] == ["De Boomgaard"]
    bso, babies = found[0].groups
    assert (babies.name, babies.capacity, bso.name, bso.capacity) == (
        "Boompjes",
        12,
        "BSO Klavertje",
        20,
    )
    assert _days(babies) == {
        MONDAY: (2, 0, 0, 0),
        TUESDAY: (1, 1, 0, 0),
        THURSDAY: (3, 0, 1, 0),
        FRIDAY: (1, 1, 1, 1),
    }
    assert _days(bso) == {
        MONDAY: (3, 0, 0, 0),
        TUESDAY: (3, 0, 0, 0),
        THURSDAY: (2, 0, 0, 0),
        FRIDAY: (0, 0, 0, 0),
    }


async def test_planned_is_what_the_capacity_check_counts(db):
    # given
    t, _, _ = await _week()
    # when
    found = await occupancy(t.org.id, MONDAY, KINGS_DAY)
    capacity = await Occupancy.load(t.org.id, [t.babies.id, t.bso.id], MONDAY, KINGS_DAY)
    # then
    for group in found[0].groups:
        for day in group.days:
            assert day.planned == capacity.count(group.group_id, day.date), (group.name, day)


async def test_one_location_and_another_organisations_location(db):
    # given
    t, _, other = await _week()
    second = await factories.location(t.org, "Het Klavertje")
    # when
    own = await occupancy(t.org.id, MONDAY, FRIDAY, location_id=second.id)
    foreign = await occupancy(t.org.id, MONDAY, FRIDAY, location_id=other.location.id)
    everything = await occupancy(t.org.id, MONDAY, FRIDAY)
    # then
    assert [(loc.name, loc.groups) for loc in own] == [("Het Klavertje", ())]
    assert foreign is None
    assert [loc.name for loc in everything] == ["De Boomgaard", "Het Klavertje"]


async def test_the_other_organisation_sees_its_own_children_only(db):
    # given
    _, _, other = await _week()
    # when
    found = await occupancy(other.org.id, MONDAY, FRIDAY)
    # then
    bso, babies = found[0].groups
    assert [d.planned for d in babies.days] == [2, 2, 0, 2, 0]
    assert [d.planned for d in bso.days] == [2, 2, 0, 2, 0]


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        (FRIDAY, MONDAY, "RANGE_BACKWARDS"),
        (MONDAY, MONDAY + timedelta(days=92), "RANGE_TOO_LONG"),
    ],
)
async def test_bad_ranges_are_refused(db, start, end, code):
    # given
    t = await factories.tenant()
    # when
    with pytest.raises(FigureInputError) as refused:
        await occupancy(t.org.id, start, end)
    # then
    assert refused.value.code == code


async def test_ninety_two_days_are_fine(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    # when
    found = await occupancy(t.org.id, MONDAY, MONDAY + timedelta(days=91))
    # then
    assert len(found[0].groups[0].days) > 55
