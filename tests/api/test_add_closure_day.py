"""mutation addClosureDay / removeClosureDay, and query viewer.closureDays"""

from __future__ import annotations

from datetime import timedelta

from schema.ids import to_global_id
from tests import factories
from tests.agenda_helpers import MONDAY, THURSDAY, at, set_now

ADD = """
mutation($input: AddClosureDayInput!) {
  addClosureDay(input: $input) {
    __typename
    ... on ClosureDayAdded { closureDay { id date reason locationId } }
    ... on Refused { code messageNl messageEn }
  }
}"""
AVAILABLE = """
query($id: ID!, $date: Date!) {
  node(id: $id) { ... on Child { availableTimes(date: $date) { possible reason { code } } } }
}"""
LIST = (
    """query($from: Date!, $to: Date!) { viewer { closureDays(from: $from, to: $to) { date } } }"""
)


async def test_a_closure_day_makes_a_day_unavailable_for_parents(db, gql):
    # given a Wednesday a week ahead: no contract day, normally requestable
    set_now(at(MONDAY))
    t = await factories.tenant()
    planner = await factories.token_for(t.planner)
    parent = await factories.token_for(t.parent)
    child = to_global_id("Child", t.child.id)
    wednesday = (MONDAY + timedelta(days=9)).isoformat()
    before = await gql(AVAILABLE, {"id": child, "date": wednesday}, token=parent)
    # when
    added = await gql(ADD, {"input": {"date": wednesday, "reason": "Studiedag"}}, token=planner)
    # then
    assert added["data"]["addClosureDay"]["closureDay"]["reason"] == "Studiedag"
    after = await gql(AVAILABLE, {"id": child, "date": wednesday}, token=parent)
    assert before["data"]["node"]["availableTimes"] == {"possible": True, "reason": None}
    assert after["data"]["node"]["availableTimes"] == {
        "possible": False,
        "reason": {"code": "CLOSED"},
    }
    listed = await gql(LIST, {"from": MONDAY.isoformat(), "to": wednesday}, token=parent)
    assert listed["data"]["viewer"]["closureDays"] == [{"date": wednesday}]


async def test_a_parent_cannot_add_a_closure_day(db, gql):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    # when
    result = await gql(
        ADD, {"input": {"date": THURSDAY.isoformat()}}, token=await factories.token_for(t.parent)
    )
    # then
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_past_day_is_a_coded_refusal(db, gql):
    # given
    set_now(at(THURSDAY))
    t = await factories.tenant()
    # when
    result = await gql(
        ADD, {"input": {"date": MONDAY.isoformat()}}, token=await factories.token_for(t.planner)
    )
    # then
    assert result["data"]["addClosureDay"]["code"] == "CLOSURE_IN_PAST"


async def test_a_planner_removes_a_closure_day(db, gql):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    planner = await factories.token_for(t.planner)
    added = await gql(ADD, {"input": {"date": THURSDAY.isoformat()}}, token=planner)
    closure_id = added["data"]["addClosureDay"]["closureDay"]["id"]
    # when
    removed = await gql(
        "mutation($id: ID!) { removeClosureDay(id: $id) }", {"id": closure_id}, token=planner
    )
    # then
    assert removed["data"]["removeClosureDay"] is True
    listed = await gql(
        LIST, {"from": MONDAY.isoformat(), "to": THURSDAY.isoformat()}, token=planner
    )
    assert listed["data"]["viewer"]["closureDays"] == []
