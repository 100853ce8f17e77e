"""subscription dayRequestDecided, over a real WebSocket against real server processes:
a planner's decision, and an expiry by the server's own background task.

Server processes run on the real clock, so the days here lie 30 days after the real today
(whatever day the tests run on); nothing depends on a particular date.
"""

from __future__ import annotations

from datetime import timedelta

from models import DayRequest, DayStatus, RequestedDay, RequestedDayChange
from services import clock
from tests import factories
from tests.agenda_helpers import gid, hhmm
from tests.live import GraphQLSocket, Server

DECIDED = """
subscription($after: String) {
  dayRequestDecided(after: $after) {
    cursor
    node { expired request { id remark } days { id status decisionReason } }
  }
}
"""
EVENT_CURSOR = "query { viewer { eventCursor } }"
REVIEW = """mutation($input: ReviewDayRequestInput!) {
  reviewDayRequest(input: $input) { __typename } }"""


async def pending_request(t, expires_at=None) -> tuple[int, int]:
    """A request waiting for review, 30 days from the real today."""
    request = await DayRequest.create(
        organisation=t.org, requested_by=t.parent, remark="Live", expires_at=expires_at
    )
    day = await RequestedDay.create(
        organisation=t.org,
        request=request,
        child=t.child,
        group=t.babies,
        kind="extra",
        date=clock.today() + timedelta(days=30),
        start_time=hhmm("07:00"),
        end_time=hhmm("13:00"),
        status=DayStatus.REQUESTED,
        charge_on_invoice=True,
    )
    await RequestedDayChange.create(day=day, status=DayStatus.REQUESTED, actor=t.parent)
    return request.id, day.id


async def test_a_parent_hears_the_planners_decision_live(db, live_servers):
    # given a waiting request and the parent subscribed
    server: Server = live_servers[0]
    t = await factories.tenant()
    parent = await factories.token_for(t.parent)
    request_id, day_id = await pending_request(t)
    after = (await server.gql(EVENT_CURSOR, token=parent))["data"]["viewer"]["eventCursor"]
    client = await GraphQLSocket.connect(server.ws_url, parent)
    op = await client.subscribe(DECIDED, {"after": after})
    # when the planner rejects it (through the last server process, when there are two)
    planner = await factories.token_for(t.planner)
    review = {"requestId": gid("DayRequest", request_id), "decision": "REJECT", "reason": "Vol"}
    decided = await live_servers[-1].gql(REVIEW, {"input": review}, token=planner)
    assert decided["data"]["reviewDayRequest"]["__typename"] == "DayRequestReviewed"
    # then
    [result] = await client.results(op, 1)
    node = result["data"]["dayRequestDecided"]["node"]
    assert node["expired"] is False
    assert node["request"] == {"id": gid("DayRequest", request_id), "remark": "Live"}
    assert node["days"] == [
        {"id": gid("RequestedDay", day_id), "status": "REJECTED", "decisionReason": "Vol"}
    ]
    await client.close()


async def test_a_request_expires_by_itself_and_the_parent_hears_it(db, start_server):
    # given a server whose expiry task runs often, and a request whose moment has passed
    server = await start_server(EXPIRY_INTERVAL_SECONDS="0.2")
    t = await factories.tenant()
    parent = await factories.token_for(t.parent)
    after = (await server.gql(EVENT_CURSOR, token=parent))["data"]["viewer"]["eventCursor"]
    client = await GraphQLSocket.connect(server.ws_url, parent)
    op = await client.subscribe(DECIDED, {"after": after})
    # when nobody looks
    _, day_id = await pending_request(t, expires_at=clock.now() - timedelta(minutes=1))
    # then
    [result] = await client.results(op, 1)
    node = result["data"]["dayRequestDecided"]["node"]
    assert node["expired"] is True
    assert node["days"] == [
        {"id": gid("RequestedDay", day_id), "status": "EXPIRED", "decisionReason": ""}
    ]
    assert (await RequestedDay.get(id=day_id)).status == DayStatus.EXPIRED
    await client.close()


async def test_another_parent_hears_nothing(db, live_servers):
    # given another parent subscribed, and then a decision on someone else's request
    server: Server = live_servers[0]
    t = await factories.tenant()
    other = await factories.token_for(t.other_parent)
    request_id, _ = await pending_request(t)
    after = (await server.gql(EVENT_CURSOR, token=other))["data"]["viewer"]["eventCursor"]
    client = await GraphQLSocket.connect(server.ws_url, other)
    op = await client.subscribe(DECIDED, {"after": after})
    planner = await factories.token_for(t.planner)
    review = {"requestId": gid("DayRequest", request_id), "decision": "APPROVE"}
    await server.gql(REVIEW, {"input": review}, token=planner)
    # when the other parent's own request is decided afterwards
    own = await DayRequest.create(organisation=t.org, requested_by=t.other_parent)
    own_day = await RequestedDay.create(
        organisation=t.org, request=own, child=t.other_child, group=t.babies, kind="extra",
        date=clock.today() + timedelta(days=31), start_time=hhmm("07:00"),
        end_time=hhmm("13:00"), status=DayStatus.REQUESTED, charge_on_invoice=True,
    )  # fmt: skip
    own_review = {"requestId": gid("DayRequest", own.id), "decision": "APPROVE"}
    await server.gql(REVIEW, {"input": own_review}, token=planner)
    # then only their own decision arrives
    [result] = await client.results(op, 1)
    assert result["data"]["dayRequestDecided"]["node"]["days"][0]["id"] == gid(
        "RequestedDay", own_day.id
    )
    await client.close()
