"""query node(id:) for RequestedDay and DayRequest: the same access checks as the agenda."""

from __future__ import annotations

from services.day_requests import DaySpec, request_days
from tests import factories
from tests.agenda_helpers import MONDAY, WEDNESDAY, at, gid, hhmm, principal_of, set_now, token_of

NODE = """query($id: ID!) { node(id: $id) { __typename id
  ... on RequestedDay { status child { firstName } }
  ... on DayRequest { remark days { id } } } }"""


async def setup():
    set_now(at(MONDAY))
    t = await factories.tenant()
    outcome = await request_days(
        await principal_of(t.parent),
        [DaySpec(t.child.id, WEDNESDAY, hhmm("07:00"), hhmm("13:00"), None)],
        remark="Logeren",
    )
    return t, outcome.request.id, outcome.days[0].day.id


async def test_the_parent_staff_of_the_group_and_planners_fetch_them(db, gql):
    # given
    t, request_id, day_id = await setup()
    # when / then
    for user in (t.parent, t.staff, t.planner):
        token = await token_of(user)
        day = await gql(NODE, {"id": gid("RequestedDay", day_id)}, token=token)
        request = await gql(NODE, {"id": gid("DayRequest", request_id)}, token=token)
        assert day["data"]["node"]["child"]["firstName"] == "Sam"
        assert request["data"]["node"]["days"] == [{"id": gid("RequestedDay", day_id)}]


async def test_others_get_null(db, gql):
    # given
    t, request_id, day_id = await setup()
    other = await factories.tenant("zonnestraal")
    # when / then
    for user in (t.other_parent, t.bso_staff, other.planner):
        token = await token_of(user)
        assert (await gql(NODE, {"id": gid("RequestedDay", day_id)}, token=token))["data"][
            "node"
        ] is None
        assert (await gql(NODE, {"id": gid("DayRequest", request_id)}, token=token))["data"][
            "node"
        ] is None
