"""mutation requestDays: approved at once or waiting, all or nothing, refusals as data."""

from __future__ import annotations

from datetime import timedelta

from models import DayRequest, RequestedDay
from tests import factories
from tests.agenda_helpers import (
    FRIDAY,
    KINGS_DAY,
    MONDAY,
    WEDNESDAY,
    at,
    credit_type,
    gid,
    purchase,
    set_now,
    token_of,
)

REQUEST = """
mutation($input: RequestDaysInput!) {
  requestDays(input: $input) {
    __typename
    ... on DaysRequested {
      request { id remark expiresAt }
      days {
        autoApproved
        reason { code messageNl messageEn }
        day { id date start end kind status payment { chargeOnInvoice creditType { name } }
              history { status reason } }
      }
    }
    ... on DaysRefused { code message days { index childId date code message messageEn } }
    ... on Refused { code field messageEn }
  }
}
"""

NEXT_WEDNESDAY = (WEDNESDAY + timedelta(days=7)).isoformat()


def day(child, on, start="07:00", end="18:30", credit=None):
    payment = (
        {"creditTypeId": gid("CreditType", credit.id)} if credit else {"chargeOnInvoice": True}
    )
    return {"childId": gid("Child", child.id), "date": on, "start": start, "end": end,
            "payment": payment}  # fmt: skip


async def test_a_parent_requests_a_day_paid_from_credit_and_it_is_approved_at_once(db, gql):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    kdv = await credit_type(t.org)
    await purchase(t.child, kdv, 20)
    # when
    result = await gql(
        REQUEST,
        {"input": {"days": [day(t.child, NEXT_WEDNESDAY, credit=kdv)], "remark": "Opa jarig"}},
        token=await token_of(t.parent),
    )
    # then
    payload = result["data"]["requestDays"]
    assert payload["__typename"] == "DaysRequested"
    assert payload["request"]["remark"] == "Opa jarig"
    (outcome,) = payload["days"]
    assert outcome["autoApproved"] is True
    assert outcome["reason"]["code"] == "AUTO_APPROVED"
    assert outcome["day"]["status"] == "APPROVED"
    assert outcome["day"]["kind"] == "EXTRA"
    assert outcome["day"]["start"].startswith("07:00")
    assert outcome["day"]["payment"] == {
        "chargeOnInvoice": False,
        "creditType": {"name": "KDV flextegoed"},
    }
    assert [h["status"] for h in outcome["day"]["history"]] == ["REQUESTED", "APPROVED"]


async def test_a_day_on_the_invoice_waits_and_says_why(db, gql):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    # when
    result = await gql(
        REQUEST,
        {"input": {"days": [day(t.child, NEXT_WEDNESDAY)], "expiresAt": at(FRIDAY).isoformat()}},
        token=await token_of(t.parent),
    )
    # then
    (outcome,) = result["data"]["requestDays"]["days"]
    assert (outcome["autoApproved"], outcome["day"]["status"]) == (False, "REQUESTED")
    assert outcome["reason"]["code"] == "CHARGED_ON_INVOICE"
    assert result["data"]["requestDays"]["request"]["expiresAt"].startswith("2026-04-24T07:00")


async def test_a_request_with_an_impossible_day_saves_nothing_and_lists_the_reasons(db, gql):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    # when: King's Day, and a time that is no block
    result = await gql(
        REQUEST,
        {
            "input": {
                "days": [
                    day(t.child, NEXT_WEDNESDAY),
                    day(t.child, KINGS_DAY.isoformat()),
                    day(t.sibling, NEXT_WEDNESDAY, "10:00", "11:00"),
                ]
            }
        },
        token=await token_of(t.parent),
    )
    # then
    payload = result["data"]["requestDays"]
    assert payload["__typename"] == "DaysRefused"
    assert payload["code"] == "DAYS_NOT_POSSIBLE"
    assert [(d["index"], d["code"]) for d in payload["days"]] == [
        (1, "CLOSED"),
        (2, "TIME_NOT_OFFERED"),
    ]
    assert "Koningsdag" in payload["days"][0]["message"]
    assert await DayRequest.all().count() == 0
    assert await RequestedDay.all().count() == 0


async def test_an_expiry_moment_after_the_first_day_is_refused(db, gql):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    # when
    result = await gql(
        REQUEST,
        {
            "input": {
                "days": [day(t.child, WEDNESDAY.isoformat())],
                "expiresAt": at(WEDNESDAY, 8).isoformat(),
            }
        },
        token=await token_of(t.parent),
    )
    # then
    assert result["data"]["requestDays"] == {
        "__typename": "Refused",
        "code": "EXPIRY_AFTER_FIRST_DAY",
        "field": "expiresAt",
        "messageEn": "The expiry moment must lie before the first requested day starts.",
    }


async def test_not_enough_credit_is_a_day_refusal(db, gql):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    kdv = await credit_type(t.org)
    await purchase(t.child, kdv, 2)
    # when
    result = await gql(
        REQUEST,
        {"input": {"days": [day(t.child, NEXT_WEDNESDAY, credit=kdv)]}},
        token=await token_of(t.parent),
    )
    # then
    assert result["data"]["requestDays"]["days"][0]["code"] == "INSUFFICIENT_CREDIT"


async def test_a_payment_must_be_exactly_one_choice(db, gql):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    kdv = await credit_type(t.org)
    both = day(t.child, NEXT_WEDNESDAY, credit=kdv)
    both["payment"]["chargeOnInvoice"] = True
    # when
    result = await gql(REQUEST, {"input": {"days": [both]}}, token=await token_of(t.parent))
    # then
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert result["errors"][0]["extensions"]["reason"] == "INVALID_PAYMENT"


async def test_an_empty_request_is_bad_input(db, gql):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    # when
    result = await gql(REQUEST, {"input": {"days": []}}, token=await token_of(t.parent))
    # then
    assert result["errors"][0]["extensions"]["reason"] == "INVALID_DAY_COUNT"


async def test_a_child_of_another_family_or_tenant_is_not_found(db, gql):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    other = await factories.tenant("zonnestraal")
    token = await token_of(t.parent)
    # when
    results = [
        await gql(REQUEST, {"input": {"days": [day(kid, NEXT_WEDNESDAY)]}}, token=token)
        for kid in (t.other_child, other.child)
    ]
    # then
    assert [r["errors"][0]["extensions"]["code"] for r in results] == ["NOT_FOUND", "NOT_FOUND"]
    assert await DayRequest.all().count() == 0


async def test_staff_may_not_request_and_anonymous_callers_must_log_in(db, gql):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    variables = {"input": {"days": [day(t.child, NEXT_WEDNESDAY)]}}
    # when
    as_staff = await gql(REQUEST, variables, token=await token_of(t.staff))
    anonymous = await gql(REQUEST, variables)
    # then
    assert as_staff["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
