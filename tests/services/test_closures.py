"""Closure days the organisation sets: who may, which days, and that they close the agenda."""

from __future__ import annotations

import pytest

from models import ClosureDay
from services import closures
from services.errors import AccessDenied, RefusedError
from tests import factories
from tests.agenda_helpers import FRIDAY, MONDAY, WEDNESDAY, at, principal_of, set_now


async def test_a_planner_closes_the_organisation_on_a_day(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    # when
    row = await closures.add_closure_day(await principal_of(t.planner), FRIDAY, None, "Studiedag")
    # then
    assert (row.date, row.reason, row.location_id) == (FRIDAY, "Studiedag", None)


async def test_a_planner_closes_one_location(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    # when
    row = await closures.add_closure_day(await principal_of(t.planner), FRIDAY, t.location.id, "")
    # then
    assert row.location_id == t.location.id


@pytest.mark.parametrize("role", ["parent", "staff"])
async def test_parents_and_staff_cannot_set_closure_days(db, role):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    # when / then
    with pytest.raises(AccessDenied):
        await closures.add_closure_day(await principal_of(getattr(t, role)), FRIDAY, None, "")
    assert await ClosureDay.all().count() == 0


async def test_a_closure_day_in_the_past_is_refused(db):
    # given
    set_now(at(WEDNESDAY))
    t = await factories.tenant()
    # when
    with pytest.raises(RefusedError) as refused:
        await closures.add_closure_day(await principal_of(t.planner), MONDAY, None, "")
    # then
    assert refused.value.refusal.code == "CLOSURE_IN_PAST"


async def test_the_same_day_twice_is_refused(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    planner = await principal_of(t.planner)
    await closures.add_closure_day(planner, FRIDAY, None, "")
    # when
    with pytest.raises(RefusedError) as refused:
        await closures.add_closure_day(planner, FRIDAY, None, "")
    # then
    assert refused.value.refusal.code == "ALREADY_CLOSED"


async def test_a_location_of_another_organisation_is_refused(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant("hoera")
    other = await factories.tenant("zonnestraal")
    # when
    with pytest.raises(RefusedError) as refused:
        await closures.add_closure_day(await principal_of(t.planner), FRIDAY, other.location.id, "")
    # then
    assert refused.value.refusal.code == "LOCATION_NOT_FOUND"


async def test_a_planner_cannot_remove_another_organisations_closure_day(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant("hoera")
    other = await factories.tenant("zonnestraal")
    theirs = await closures.add_closure_day(await principal_of(other.planner), FRIDAY, None, "")
    # when
    removed = await closures.remove_closure_day(await principal_of(t.planner), theirs.id)
    # then
    assert removed is False
    assert await ClosureDay.exists(id=theirs.id)
