"""query Child.availableTimes: blocks, flexible times, and the reason a date is not possible."""

from __future__ import annotations

from tests import factories
from tests.agenda_helpers import (
    KINGS_DAY,
    MONDAY,
    THURSDAY,
    WEDNESDAY,
    at,
    flexible_child,
    gid,
    set_now,
    token_of,
)

AVAILABLE = """
query($id: ID!, $date: Date!) {
  node(id: $id) {
    ... on Child {
      availableTimes(date: $date) {
        date possible careType kind
        reason { code message messageEn }
        group { name }
        blocks { code name nameEn start end }
        flexible { opens closes stepMinutes minimumMinutes free { start end } }
      }
    }
  }
}
"""


async def available(gql, token, child, on):
    result = await gql(
        AVAILABLE, {"id": gid("Child", child.id), "date": on.isoformat()}, token=token
    )
    return result["data"]["node"]["availableTimes"]


async def test_kdv_blocks_of_a_free_day(db, gql):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    # when
    times = await available(gql, await token_of(t.parent), t.child, WEDNESDAY)
    # then
    assert times["possible"] is True and times["reason"] is None
    assert (times["careType"], times["kind"], times["group"]["name"]) == (
        "KDV",
        "EXTRA",
        "Boompjes",
    )
    assert [(b["code"], b["name"], b["start"][:5], b["end"][:5]) for b in times["blocks"]] == [
        ("whole_day", "Hele dag", "07:00", "18:30"),
        ("morning", "Ochtend", "07:00", "13:00"),
        ("afternoon", "Middag", "13:00", "18:30"),
    ]
    assert times["flexible"] is None


async def test_flexible_care_gets_free_times(db, gql):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    flex, _ = await flexible_child(t)
    # when
    times = await available(gql, await token_of(t.parent), flex, WEDNESDAY)
    # then
    assert times["kind"] == "FLEXIBLE" and times["blocks"] == []
    window = times["flexible"]
    assert (window["stepMinutes"], window["minimumMinutes"]) == (15, 120)
    assert [(r["start"][:5], r["end"][:5]) for r in window["free"]] == [("07:00", "18:30")]


async def test_the_reason_a_date_is_not_possible(db, gql):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    token = await token_of(t.parent)
    # when
    kings_day = await available(gql, token, t.child, KINGS_DAY)
    planned = await available(gql, token, t.child, THURSDAY)
    # then
    assert (kings_day["possible"], kings_day["reason"]["code"]) == (False, "CLOSED")
    assert "Koningsdag" in kings_day["reason"]["message"]
    assert planned["reason"]["code"] == "ALREADY_PLANNED"
    assert planned["blocks"] == []


async def test_another_parents_child_is_not_reachable(db, gql):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    # when
    result = await gql(
        AVAILABLE,
        {"id": gid("Child", t.other_child.id), "date": WEDNESDAY.isoformat()},
        token=await token_of(t.parent),
    )
    # then
    assert result["data"]["node"] is None
