"""Child.placements(activeOn:) — group, location, care type, weekly schedule, period."""

from __future__ import annotations

from datetime import timedelta

from models import Placement
from schema.ids import to_global_id
from services import clock
from tests import factories

PLACEMENTS = """
query($id: ID!, $on: Date) {
  node(id: $id) {
    ... on Child {
      placements(activeOn: $on) {
        careType startDate endDate
        weeklySchedule { weekday start end }
        group { name careType location { name phone address { city } } }
      }
    }
  }
}"""


async def placements_of(gql, token, child, on=None):
    result = await gql(
        PLACEMENTS,
        {"id": to_global_id("Child", child.id), "on": on and on.isoformat()},
        token=token,
    )
    assert "errors" not in result, result
    node = result["data"]["node"]
    return node and node["placements"]


async def test_a_parent_sees_the_running_and_coming_placements(db, gql):
    # given
    t = await factories.tenant()
    today = clock.today()
    await Placement.filter(child_id=t.child.id).update(end_date=today + timedelta(days=60))
    await factories.placement(t.child, t.bso, start=today + timedelta(days=61))
    await factories.placement(
        t.child, t.bso, start=today - timedelta(days=500), end=today - timedelta(days=300)
    )
    token = await factories.token_for(t.parent)
    # when
    placements = await placements_of(gql, token, t.child)
    # then
    assert [(p["group"]["name"], p["careType"]) for p in placements] == [
        ("Boompjes", "KDV"),
        ("BSO Klavertje", "BSO"),
    ]
    first = placements[0]
    assert first["endDate"] == (today + timedelta(days=60)).isoformat()
    assert first["group"]["location"] == {
        "name": "De Boomgaard",
        "phone": "030-1234567",
        "address": {"city": "Utrecht"},
    }
    assert first["weeklySchedule"] == [
        {"weekday": day, "start": "07:30:00", "end": "18:00:00"}
        for day in ("MONDAY", "TUESDAY", "THURSDAY")
    ]


async def test_placements_active_on_a_past_date(db, gql):
    # given
    t = await factories.tenant()
    today = clock.today()
    await factories.placement(
        t.child, t.bso, start=today - timedelta(days=500), end=today - timedelta(days=300)
    )
    token = await factories.token_for(t.parent)
    # when
    then = await placements_of(gql, token, t.child, today - timedelta(days=400))
    # then
    assert [p["group"]["name"] for p in then] == ["BSO Klavertje"]


async def test_flexible_care_types_are_named(db, gql):
    # given
    t = await factories.tenant()
    await Placement.filter(child_id=t.child.id).update(care_type="flex_kdv", schedule=[])
    token = await factories.token_for(t.parent)
    # when
    placements = await placements_of(gql, token, t.child)
    # then
    assert placements[0]["careType"] == "FLEX_KDV"
    assert placements[0]["weeklySchedule"] == []


async def test_placements_of_another_parents_child_are_not_reachable(db, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.parent)
    # when
    placements = await placements_of(gql, token, t.other_child)
    # then
    assert placements is None
