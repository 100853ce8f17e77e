"""query Child.credits: purchased, used, reserved, remaining, valid until, lots and usages."""

from __future__ import annotations

from datetime import timedelta

from models import CareType
from services.day_requests import DaySpec, request_days
from tests import factories
from tests.agenda_helpers import (
    MONDAY,
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

CREDITS = """
query($id: ID!) {
  node(id: $id) {
    ... on Child {
      credits {
        name creditType { id name careTypes }
        purchasedMinutes usedMinutes reservedMinutes expiredMinutes remainingMinutes
        purchasedHours usedHours reservedHours remainingHours validUntil
        lots { year remainingMinutes remainingHours validUntil }
        usages { date minutes hours requestedDay { id status } }
      }
    }
  }
}
"""


async def test_a_parent_sees_the_credits_of_their_child(db, gql):
    # given: 2 hours of 2025 (expired), 20 of 2026; one day used, one waiting
    set_now(at(MONDAY))
    t = await factories.tenant()
    kdv = await credit_type(t.org)
    await credit_type(t.org, "BSO flextegoed", (CareType.BSO,))
    await purchase(t.child, kdv, 2, 2025)
    await purchase(t.child, kdv, 20, 2026)
    parent = await principal_of(t.parent)
    used_on = WEDNESDAY + timedelta(days=7)
    await request_days(parent, [DaySpec(t.child.id, used_on, hhmm("13:00"), hhmm("18:30"), kdv.id)])
    # (this Wednesday morning starts within 48 hours: it waits, its minutes reserved)
    await request_days(
        parent, [DaySpec(t.child.id, WEDNESDAY, hhmm("07:00"), hhmm("13:00"), kdv.id)]
    )
    # when
    result = await gql(CREDITS, {"id": gid("Child", t.child.id)}, token=await token_of(t.parent))
    # then
    (credit,) = result["data"]["node"]["credits"]
    assert credit["name"] == "KDV flextegoed"
    assert credit["creditType"]["careTypes"] == ["kdv", "flex_kdv"]
    assert (
        credit["purchasedMinutes"],
        credit["usedMinutes"],
        credit["reservedMinutes"],
        credit["expiredMinutes"],
        credit["remainingMinutes"],
    ) == (1320, 330, 360, 120, 510)
    assert (credit["usedHours"], credit["reservedHours"], credit["remainingHours"]) == (5.5, 6, 8.5)
    assert credit["validUntil"] == "2026-12-31"
    assert credit["lots"] == [
        {"year": 2026, "remainingMinutes": 510, "remainingHours": 8.5, "validUntil": "2026-12-31"}
    ]
    (usage,) = credit["usages"]
    assert (usage["date"], usage["minutes"], usage["hours"]) == (used_on.isoformat(), 330, 5.5)
    assert usage["requestedDay"]["status"] == "APPROVED"


async def test_group_staff_never_see_credits_and_planners_do(db, gql):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    kdv = await credit_type(t.org)
    await purchase(t.child, kdv, 5)
    variables = {"id": gid("Child", t.child.id)}
    # when
    staff = await gql(CREDITS, variables, token=await token_of(t.staff))
    other_staff = await gql(CREDITS, variables, token=await token_of(t.bso_staff))
    planner = await gql(CREDITS, variables, token=await token_of(t.planner))
    # then
    assert staff["data"]["node"]["credits"] == []
    assert other_staff["data"]["node"] is None
    assert planner["data"]["node"]["credits"][0]["remainingMinutes"] == 300
