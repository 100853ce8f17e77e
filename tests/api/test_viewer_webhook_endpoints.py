"""query viewer.webhookEndpoints { deliveries }, node(id:) of an endpoint, and mutation
redeliverWebhookDelivery"""

from __future__ import annotations

from datetime import timedelta

from models import Role
from schema.ids import to_global_id
from services.day_requests import DaySpec, request_days
from services.webhooks import dispatch
from tests import factories, webhook_helpers
from tests.agenda_helpers import WEDNESDAY, hhmm, principal_of
from tests.webhook_helpers import MovingClock, admin_of, register

receiver = webhook_helpers.receiver

LOG = """
query($first: Int, $after: String) {
  viewer {
    webhookEndpoints {
      id url enabled
      deliveries(first: $first, after: $after) {
        edges { cursor node {
          id eventId eventType status attempts lastStatusCode lastError durationMs
          nextAttemptAt createdAt deliveredAt
        } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}"""
NODE = "query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { id url } } }"
REDELIVER = "mutation($id: ID!) { redeliverWebhookDelivery(id: $id) { status attempts } }"


async def request_day(t, weeks_later: int = 0):
    on = WEDNESDAY + timedelta(days=7 * (1 + weeks_later))
    spec = DaySpec(t.child.id, on, hhmm("07:00"), hhmm("18:30"), None)
    await request_days(await principal_of(t.parent), [spec])


async def test_the_log_shows_a_failed_attempt_and_the_recovery(db, gql, receiver):
    # given: the endpoint fails once, then answers
    now = MovingClock()
    t = await factories.tenant()
    await register(await admin_of(t.org), receiver.url())
    admin = await factories.token_for(await factories.user(t.org, Role.ADMIN))
    receiver.statuses = [500]
    await request_day(t)
    await dispatch.run_once()
    # when
    waiting = await gql(LOG, token=admin)
    now.advance(dispatch.backoff(1, 0))
    await dispatch.run_once()
    done = await gql(LOG, token=admin)
    # then
    [before] = waiting["data"]["viewer"]["webhookEndpoints"][0]["deliveries"]["edges"]
    assert before["node"]["status"] == "PENDING"
    assert before["node"]["attempts"] == 1
    assert before["node"]["lastStatusCode"] == 500
    assert before["node"]["lastError"] == "HTTP 500"
    assert before["node"]["nextAttemptAt"] is not None
    assert before["node"]["deliveredAt"] is None
    [after] = done["data"]["viewer"]["webhookEndpoints"][0]["deliveries"]["edges"]
    node = after["node"]
    assert (node["status"], node["attempts"], node["lastStatusCode"]) == ("DELIVERED", 2, 204)
    assert node["eventType"] == "DAY_REQUEST_CREATED"
    assert node["eventId"] == receiver.received[1].headers["ouderlink-event-id"]
    assert node["durationMs"] is not None and node["deliveredAt"] is not None
    assert node["nextAttemptAt"] is None


async def test_the_log_is_paged_newest_first(db, gql, receiver):
    # given: three deliveries
    MovingClock()
    t = await factories.tenant()
    await register(await admin_of(t.org), receiver.url())
    admin = await factories.token_for(await factories.user(t.org, Role.ADMIN))
    for week in range(3):
        await request_day(t, week)
    await dispatch.run_once()
    # when
    first = await gql(LOG, {"first": 2}, token=admin)
    page = first["data"]["viewer"]["webhookEndpoints"][0]["deliveries"]
    rest = await gql(LOG, {"first": 2, "after": page["pageInfo"]["endCursor"]}, token=admin)
    # then
    second = rest["data"]["viewer"]["webhookEndpoints"][0]["deliveries"]
    ids = [int(e["node"]["eventId"]) for e in page["edges"] + second["edges"]]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 3
    assert page["pageInfo"]["hasNextPage"] is True
    assert second["pageInfo"]["hasNextPage"] is False


async def test_only_admins_see_endpoints(db, gql):
    t = await factories.tenant()
    await register(await admin_of(t.org), "https://example.com/hook")
    planner = await factories.token_for(t.planner)
    result = await gql(LOG, token=planner)
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_another_organisations_endpoints_are_not_visible(db, gql):
    # given
    t = await factories.tenant()
    other = await factories.tenant("zonnestraal")
    theirs = await register(await admin_of(other.org), "https://example.com/theirs")
    mine = await register(await admin_of(t.org), "https://example.com/mine")
    admin = await factories.token_for(await factories.user(t.org, Role.ADMIN))
    # when
    listed = await gql(LOG, token=admin)
    their_node = await gql(
        NODE, {"id": to_global_id("WebhookEndpoint", theirs.endpoint.id)}, token=admin
    )
    my_node = await gql(
        NODE, {"id": to_global_id("WebhookEndpoint", mine.endpoint.id)}, token=admin
    )
    # then
    assert [e["url"] for e in listed["data"]["viewer"]["webhookEndpoints"]] == [
        "https://example.com/mine"
    ]
    assert their_node["data"]["node"] is None
    assert my_node["data"]["node"]["url"] == "https://example.com/mine"


async def test_an_admin_sends_a_delivery_again(db, gql, receiver):
    # given
    MovingClock()
    t = await factories.tenant()
    await register(await admin_of(t.org), receiver.url())
    admin = await factories.token_for(await factories.user(t.org, Role.ADMIN))
    await request_day(t)
    await dispatch.run_once()
    log = await gql(LOG, token=admin)
    delivery = log["data"]["viewer"]["webhookEndpoints"][0]["deliveries"]["edges"][0]["node"]
    # when
    again = await gql(REDELIVER, {"id": delivery["id"]}, token=admin)
    await dispatch.run_once()
    # then
    assert again["data"]["redeliverWebhookDelivery"] == {"status": "PENDING", "attempts": 0}
    assert len(receiver.delivered()) == 2
    other = await factories.tenant("zonnestraal")
    their_admin = await factories.token_for(await factories.user(other.org, Role.ADMIN))
    refused = await gql(REDELIVER, {"id": delivery["id"]}, token=their_admin)
    assert refused["errors"][0]["extensions"]["code"] == "NOT_FOUND"
