"""Messaging response times: median time to the first staff reply, per group."""

from __future__ import annotations

from datetime import date

import pytest

from models import Role
from services.figures import FigureInputError
from services.figures.messaging import response_times
from tests import factories
from tests.agenda_helpers import MONDAY, at, set_now
from tests.figures_samples import conversation, utc

WEEK = (date(2026, 4, 13), date(2026, 4, 19))


async def _talks():
    set_now(at(MONDAY))
    t = await factories.tenant()
    planner = t.planner
    parent, other, staff, bso_staff = t.parent, t.other_parent, t.staff, t.bso_staff
    # Boompjes: replies after 10 min, 60 min (the parent wrote twice), 30 min (a planner),
    # and one question nobody answered yet
    await conversation(
        t.child, t.babies, (parent, utc(2026, 4, 14, 10)), (staff, utc(2026, 4, 14, 10, 10))
    )
    await conversation(
        t.child,
        t.babies,
        (parent, utc(2026, 4, 15, 10)),
        (parent, utc(2026, 4, 15, 10, 5)),
        (staff, utc(2026, 4, 15, 11)),
        (parent, utc(2026, 4, 15, 11, 2)),
    )
    await conversation(
        t.other_child, t.babies, (other, utc(2026, 4, 16, 10)), (planner, utc(2026, 4, 16, 10, 30))
    )
    await conversation(t.other_child, t.babies, (other, utc(2026, 4, 17, 10)))
    # started by staff: not a parent's question
    await conversation(
        t.child, t.babies, (staff, utc(2026, 4, 15, 8)), (parent, utc(2026, 4, 15, 9))
    )
    # BSO: 20 and 40 minutes; and one from before the week
    await conversation(
        t.sibling, t.bso, (parent, utc(2026, 4, 14, 9)), (bso_staff, utc(2026, 4, 14, 9, 20))
    )
    await conversation(
        t.bso_child, t.bso, (other, utc(2026, 4, 15, 9)), (bso_staff, utc(2026, 4, 15, 9, 40))
    )
    await conversation(
        t.bso_child, t.bso, (other, utc(2026, 4, 1, 9)), (bso_staff, utc(2026, 4, 14, 9))
    )
    # Sunday 19 April 23:30 in Amsterdam is still in the week; Monday 00:30 is not
    await conversation(t.sibling, t.bso, (parent, utc(2026, 4, 19, 21, 30)))
    await conversation(t.sibling, t.bso, (parent, utc(2026, 4, 19, 22, 30)))
    other_org = await factories.tenant("elders")
    await conversation(
        other_org.child,
        other_org.babies,
        (other_org.parent, utc(2026, 4, 14, 10)),
        (other_org.staff, utc(2026, 4, 14, 18)),
    )
    return t, other_org


async def test_median_first_reply_per_group(db):
    # given
    t, _ = await _talks()
    # when
    found = await response_times(t.org.id, *WEEK)
    # then
    assert [
        (
            g.group_id,
            g.name,
            g.location_name,
            g.conversations,
            g.answered,
            g.median_first_reply_seconds,
        )
        for g in found
    ] == [
        (t.bso.id, "BSO Klavertje", "De Boomgaard", 3, 2, 1800),
        (t.babies.id, "Boompjes", "De Boomgaard", 4, 3, 1800),
    ]


async def test_an_odd_number_takes_the_middle_one_and_a_quiet_group_has_no_median(db):
    # given
    t, other = await _talks()
    await conversation(
        t.child, t.babies, (t.parent, utc(2026, 4, 18, 10)), (t.staff, utc(2026, 4, 18, 12))
    )
    # when
    found = {g.group_id: g for g in await response_times(t.org.id, *WEEK)}
    quiet = await response_times(t.org.id, date(2026, 3, 1), date(2026, 3, 31))
    foreign = await response_times(other.org.id, *WEEK)
    # then: 600, 1800, 3600, 7200 -> (1800 + 3600) / 2
    assert found[t.babies.id].median_first_reply_seconds == 2700
    assert {(g.conversations, g.answered, g.median_first_reply_seconds) for g in quiet} == {
        (0, 0, None)
    }
    assert [(g.name, g.conversations, g.median_first_reply_seconds) for g in foreign] == [
        ("BSO Klavertje", 0, None),
        ("Boompjes", 1, 8 * 3600),
    ]


async def test_three_answers_take_the_middle_one(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    for minutes in (5, 50, 7):
        await conversation(
            t.child,
            t.babies,
            (t.parent, utc(2026, 4, 14, 10)),
            (t.staff, utc(2026, 4, 14, 10, minutes)),
        )
    # when
    found = {g.group_id: g for g in await response_times(t.org.id, *WEEK)}
    # then
    assert found[t.babies.id].median_first_reply_seconds == 7 * 60


async def test_a_parent_replying_does_not_count_as_an_answer(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    second_parent = await factories.user(t.org, Role.PARENT)
    await conversation(
        t.child,
        t.babies,
        (t.parent, utc(2026, 4, 14, 10)),
        (second_parent, utc(2026, 4, 14, 10, 1)),
    )
    # when
    found = {g.group_id: g for g in await response_times(t.org.id, *WEEK)}
    # then
    assert (found[t.babies.id].conversations, found[t.babies.id].answered) == (1, 0)


async def test_a_backwards_range_is_refused(db):
    # given
    t = await factories.tenant()
    # when
    with pytest.raises(FigureInputError) as refused:
        await response_times(t.org.id, WEEK[1], WEEK[0])
    # then
    assert refused.value.code == "RANGE_BACKWARDS"
