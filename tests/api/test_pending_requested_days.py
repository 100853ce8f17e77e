"""query Viewer.pendingRequestedDays: planners' review list with filters and paging."""

from __future__ import annotations

from datetime import timedelta

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

PENDING = """
query($group: ID, $location: ID, $from: Date, $to: Date, $first: Int, $after: String) {
  viewer { pendingRequestedDays(groupId: $group, locationId: $location, from: $from, to: $to,
                                first: $first, after: $after) {
    edges { node { id date status child { firstName } group { name } request { remark } } }
    pageInfo { hasNextPage endCursor }
  } }
}
"""


async def requested(t, kid, on, start="07:00"):
    outcome = await request_days(
        await principal_of(t.parent),
        [DaySpec(kid.id, on, hhmm(start), hhmm("18:30"), None)],
        remark=f"voor {kid.first_name}",
    )
    return gid("RequestedDay", outcome.days[0].day.id)


async def test_a_planner_pages_through_pending_days_soonest_first(db, gql):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    ids = [await requested(t, t.child, d) for d in (FRIDAY, WEDNESDAY)]
    later = await requested(t, t.child, WEDNESDAY + timedelta(days=7))
    token = await token_of(t.planner)
    # when
    first = await gql(PENDING, {"first": 2}, token=token)
    rest = await gql(
        PENDING,
        {
            "first": 2,
            "after": first["data"]["viewer"]["pendingRequestedDays"]["pageInfo"]["endCursor"],
        },
        token=token,
    )
    # then
    page = first["data"]["viewer"]["pendingRequestedDays"]
    assert [e["node"]["id"] for e in page["edges"]] == [ids[1], ids[0]]
    assert page["pageInfo"]["hasNextPage"] is True
    assert page["edges"][0]["node"]["request"]["remark"] == "voor Sam"
    assert [e["node"]["id"] for e in rest["data"]["viewer"]["pendingRequestedDays"]["edges"]] == [
        later
    ]


async def test_filters_by_group_location_and_date(db, gql):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    baby = await requested(t, t.child, WEDNESDAY)
    bso = await requested(t, t.sibling, FRIDAY, "14:00")
    token = await token_of(t.planner)

    async def ids(**variables):
        result = await gql(PENDING, variables, token=token)
        return [e["node"]["id"] for e in result["data"]["viewer"]["pendingRequestedDays"]["edges"]]

    # when / then
    assert await ids(group=gid("Group", t.bso.id)) == [bso]
    assert await ids(location=gid("Location", t.location.id)) == [baby, bso]
    assert await ids(**{"from": FRIDAY.isoformat()}) == [bso]
    assert await ids(to=WEDNESDAY.isoformat()) == [baby]


async def test_parents_and_staff_may_not_list_pending_days(db, gql):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    # when
    results = [await gql(PENDING, token=await token_of(u)) for u in (t.parent, t.staff)]
    # then
    assert [r["errors"][0]["extensions"]["code"] for r in results] == ["FORBIDDEN", "FORBIDDEN"]


async def test_other_organisations_requests_are_never_listed(db, gql):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    other = await factories.tenant("zonnestraal")
    await requested(other, other.child, WEDNESDAY)
    # when
    result = await gql(PENDING, token=await token_of(t.planner))
    # then
    assert result["data"]["viewer"]["pendingRequestedDays"]["edges"] == []
