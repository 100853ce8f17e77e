"""mutation grantCredit (planners) and Viewer.creditTypes."""

from __future__ import annotations

from tests import factories
from tests.agenda_helpers import MONDAY, at, credit_type, gid, ledger, set_now, token_of

GRANT = """
mutation($input: GrantCreditInput!) {
  grantCredit(input: $input) {
    __typename
    ... on CreditGranted { credit { name purchasedMinutes remainingHours validUntil } }
    ... on Refused { code field }
  }
}
"""
TYPES = "query { viewer { creditTypes { id name careTypes } } }"


def grant(t, ctype, minutes=600, **extra):
    child, credit = gid("Child", t.child.id), gid("CreditType", ctype.id)
    return {"input": {"childId": child, "creditTypeId": credit, "minutes": minutes, **extra}}


async def test_a_planner_grants_credit(db, gql):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    kdv = await credit_type(t.org)
    token = await token_of(t.planner)
    types = await gql(TYPES, token=token)
    # when
    result = await gql(GRANT, grant(t, kdv, note="Pakket 10 uur"), token=token)
    # then
    assert types["data"]["viewer"]["creditTypes"][0]["id"] == gid("CreditType", kdv.id)
    assert result["data"]["grantCredit"] == {
        "__typename": "CreditGranted",
        "credit": {
            "name": "KDV flextegoed",
            "purchasedMinutes": 600,
            "remainingHours": 10.0,
            "validUntil": "2026-12-31",
        },
    }
    assert await ledger(t.child) == [("purchase", 600, 2026)]


async def test_a_past_lot_is_refused_and_nonsense_is_bad_input(db, gql):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    kdv = await credit_type(t.org)
    token = await token_of(t.planner)
    # when
    past = await gql(GRANT, grant(t, kdv, lotYear=2025), token=token)
    negative = await gql(GRANT, grant(t, kdv, minutes=-60), token=token)
    # then
    assert past["data"]["grantCredit"] == {
        "__typename": "Refused",
        "code": "LOT_EXPIRED",
        "field": "lotYear",
    }
    assert negative["errors"][0]["extensions"]["reason"] == "INVALID_GRANT"
    assert await ledger(t.child) == []


async def test_parents_may_not_grant_and_other_tenants_do_not_find_the_child(db, gql):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    other = await factories.tenant("zonnestraal")
    kdv = await credit_type(t.org)
    # when
    as_parent = await gql(GRANT, grant(t, kdv), token=await token_of(t.parent))
    as_other = await gql(GRANT, grant(t, kdv), token=await token_of(other.planner))
    # then
    assert as_parent["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert as_other["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert await ledger(t.child) == []
