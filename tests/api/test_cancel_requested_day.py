"""mutation cancelRequestedDay: before the deadline, after it, contract days, others."""

from __future__ import annotations

from datetime import timedelta

from services.day_requests import DaySpec, request_days
from tests import factories
from tests.agenda_helpers import (
    MONDAY,
    THURSDAY,
    WEDNESDAY,
    at,
    credit_type,
    gid,
    hhmm,
    principal_of,
    purchase,
    set_now,
    token_of,
)

CANCEL = """
mutation($id: ID!) {
  cancelRequestedDay(id: $id) {
    __typename
    ... on RequestedDayCancelled {
      day { id status history { status } }
      credit { remainingMinutes usedMinutes }
    }
    ... on Refused { code message messageEn }
  }
}
"""
AGENDA = """query($id: ID!, $d: Date!) { node(id: $id) { ... on Child {
  agenda(from: $d, to: $d) { id kind } } } }"""
NEXT_WEDNESDAY = WEDNESDAY + timedelta(days=7)


async def approved(t):
    kdv = await credit_type(t.org)
    await purchase(t.child, kdv, 20)
    outcome = await request_days(
        await principal_of(t.parent),
        [DaySpec(t.child.id, NEXT_WEDNESDAY, hhmm("07:00"), hhmm("18:30"), kdv.id)],
    )
    return outcome.days[0].day


async def test_a_parent_cancels_before_the_deadline_and_gets_the_credit_back(db, gql):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    day = await approved(t)
    # when
    result = await gql(CANCEL, {"id": gid("RequestedDay", day.id)}, token=await token_of(t.parent))
    # then
    payload = result["data"]["cancelRequestedDay"]
    assert payload["day"]["status"] == "CANCELLED"
    assert [h["status"] for h in payload["day"]["history"]] == [
        "REQUESTED",
        "APPROVED",
        "CANCELLED",
    ]
    assert payload["credit"] == {"remainingMinutes": 1200, "usedMinutes": 0}


async def test_after_the_deadline_the_parent_is_pointed_to_absence(db, gql):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    day = await approved(t)
    set_now(at(NEXT_WEDNESDAY - timedelta(days=1), 8))
    # when
    result = await gql(CANCEL, {"id": gid("RequestedDay", day.id)}, token=await token_of(t.parent))
    # then
    payload = result["data"]["cancelRequestedDay"]
    assert payload["code"] == "CANCELLATION_DEADLINE_PASSED"
    assert "absent" in payload["messageEn"] and "afwezig" in payload["message"]


async def test_a_contract_day_from_the_agenda_cannot_be_cancelled(db, gql):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    token = await token_of(t.parent)
    agenda = await gql(
        AGENDA, {"id": gid("Child", t.child.id), "d": THURSDAY.isoformat()}, token=token
    )
    (slot,) = agenda["data"]["node"]["agenda"]
    assert slot["kind"] == "CONTRACT"
    # when
    result = await gql(CANCEL, {"id": slot["id"]}, token=token)
    # then
    assert result["data"]["cancelRequestedDay"]["code"] == "CONTRACT_DAY_NOT_CANCELLABLE"


async def test_a_cancelled_day_is_not_cancellable_again(db, gql):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    day = await approved(t)
    token = await token_of(t.parent)
    await gql(CANCEL, {"id": gid("RequestedDay", day.id)}, token=token)
    # when
    result = await gql(CANCEL, {"id": gid("RequestedDay", day.id)}, token=token)
    # then
    assert result["data"]["cancelRequestedDay"]["code"] == "NOT_CANCELLABLE"


async def test_others_cannot_cancel_and_bad_ids_are_bad_input(db, gql):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    other = await factories.tenant("zonnestraal")
    day = await approved(t)
    day_id = gid("RequestedDay", day.id)
    # when
    other_parent = await gql(CANCEL, {"id": day_id}, token=await token_of(t.other_parent))
    other_tenant = await gql(CANCEL, {"id": day_id}, token=await token_of(other.parent))
    staff = await gql(CANCEL, {"id": day_id}, token=await token_of(t.staff))
    wrong_type = await gql(CANCEL, {"id": gid("Child", t.child.id)}, token=await token_of(t.parent))
    # then
    assert other_parent["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert other_tenant["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert staff["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert wrong_type["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
