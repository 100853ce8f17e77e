"""mutation reviewDayRequest: planners approve or reject; capacity re-checked; refusals."""

from __future__ import annotations

from models import Event, Placement
from services.day_requests import DaySpec, request_days
from tests import factories
from tests.agenda_helpers import (
    FRIDAY,
    MONDAY,
    WEDNESDAY,
    at,
    gid,
    hhmm,
    principal_of,
    set_now,
    token_of,
)

REVIEW = """
mutation($input: ReviewDayRequestInput!) {
  reviewDayRequest(input: $input) {
    __typename
    ... on DayRequestReviewed {
      request { id }
      days { id status decisionReason history { status reason actorName } }
    }
    ... on DaysRefused { code days { requestedDayId code } }
    ... on Refused { code field }
  }
}
"""


async def waiting(t, days=(WEDNESDAY,)):
    outcome = await request_days(
        await principal_of(t.parent),
        [DaySpec(t.child.id, d, hhmm("07:00"), hhmm("18:30"), None) for d in days],
    )
    return outcome


async def test_a_planner_approves_and_the_requester_gets_an_event(db, gql):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    outcome = await waiting(t)
    # when
    result = await gql(
        REVIEW,
        {"input": {"requestId": gid("DayRequest", outcome.request.id), "decision": "APPROVE"}},
        token=await token_of(t.planner),
    )
    # then
    payload = result["data"]["reviewDayRequest"]
    assert payload["__typename"] == "DayRequestReviewed"
    (day,) = payload["days"]
    assert day["status"] == "APPROVED"
    assert day["history"][-1] == {
        "status": "APPROVED",
        "reason": "",
        "actorName": f"{t.planner.first_name} Jansen",
    }
    event = await Event.get(type="day_request.decided")
    assert event.topic == f"user:{t.parent.id}"


async def test_a_planner_rejects_one_day_with_a_reason(db, gql):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    outcome = await waiting(t, (WEDNESDAY, FRIDAY))
    friday = outcome.days[1].day
    # when
    result = await gql(
        REVIEW,
        {
            "input": {
                "requestId": gid("DayRequest", outcome.request.id),
                "decision": "REJECT",
                "reason": "Te weinig personeel",
                "dayIds": [gid("RequestedDay", friday.id)],
            }
        },
        token=await token_of(t.planner),
    )
    # then
    (day,) = result["data"]["reviewDayRequest"]["days"]
    assert (day["id"], day["status"], day["decisionReason"]) == (
        gid("RequestedDay", friday.id),
        "REJECTED",
        "Te weinig personeel",
    )


async def test_rejecting_without_reason_and_deciding_twice_are_refused(db, gql):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    outcome = await waiting(t)
    token = await token_of(t.planner)
    request_id = gid("DayRequest", outcome.request.id)
    # when
    no_reason = await gql(
        REVIEW, {"input": {"requestId": request_id, "decision": "REJECT"}}, token=token
    )
    await gql(REVIEW, {"input": {"requestId": request_id, "decision": "APPROVE"}}, token=token)
    again = await gql(
        REVIEW, {"input": {"requestId": request_id, "decision": "APPROVE"}}, token=token
    )
    # then
    assert no_reason["data"]["reviewDayRequest"] == {
        "__typename": "Refused",
        "code": "REASON_REQUIRED",
        "field": "reason",
    }
    assert again["data"]["reviewDayRequest"]["code"] == "NOT_PENDING"


async def test_approval_is_refused_when_the_group_filled_up_meanwhile(db, gql):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    outcome = await waiting(t)
    t.babies.capacity = 1
    await t.babies.save()
    newcomer = await factories.child(t.org, grp=t.babies)
    await Placement.filter(child_id=newcomer.id).update(
        schedule=[{"weekday": 2, "start": "07:30", "end": "18:00"}]
    )
    # when
    result = await gql(
        REVIEW,
        {"input": {"requestId": gid("DayRequest", outcome.request.id), "decision": "APPROVE"}},
        token=await token_of(t.planner),
    )
    # then
    payload = result["data"]["reviewDayRequest"]
    assert payload["__typename"] == "DaysRefused"
    assert payload["days"] == [
        {"requestedDayId": gid("RequestedDay", outcome.days[0].day.id), "code": "GROUP_FULL"}
    ]


async def test_parents_may_not_review_and_other_tenants_cannot_find_it(db, gql):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    other = await factories.tenant("zonnestraal")
    outcome = await waiting(t)
    variables = {
        "input": {"requestId": gid("DayRequest", outcome.request.id), "decision": "APPROVE"}
    }
    # when
    as_parent = await gql(REVIEW, variables, token=await token_of(t.parent))
    as_other_planner = await gql(REVIEW, variables, token=await token_of(other.planner))
    # then
    assert as_parent["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert as_other_planner["errors"][0]["extensions"]["code"] == "NOT_FOUND"
