"""mutation registerPushSubscription"""

from __future__ import annotations

from models import PushSubscription
from services.notifications import push
from tests import factories
from tests.notification_helpers import Device

REGISTER = """
mutation($input: PushSubscriptionInput!) {
  registerPushSubscription(input: $input) {
    __typename
    ... on PushSubscriptionRegistered { endpoint vapidPublicKey }
    ... on Refused { code }
  }
}"""


def subscription(device: Device, endpoint: str) -> dict:
    return {"endpoint": endpoint, "p256dh": device.p256dh, "auth": device.auth}


async def test_a_device_is_registered_and_moves_to_the_last_user(db, gql):
    # given
    t = await factories.tenant()
    device = Device("/x")
    data = {"input": subscription(device, "https://push.example.net/abc")}
    # when: the same browser, first the parent, then the other parent
    first = await gql(REGISTER, data, token=await factories.token_for(t.parent))
    second = await gql(REGISTER, data, token=await factories.token_for(t.other_parent))
    # then
    assert first["data"]["registerPushSubscription"] == {
        "__typename": "PushSubscriptionRegistered",
        "endpoint": "https://push.example.net/abc",
        "vapidPublicKey": push.public_key(),
    }
    assert second["data"]["registerPushSubscription"]["__typename"] == "PushSubscriptionRegistered"
    rows = await PushSubscription.all()
    assert [r.user_id for r in rows] == [t.other_parent.id]


async def test_broken_keys_are_refused(db, gql):
    # given
    t = await factories.tenant()
    data = {"input": {"endpoint": "https://push.example.net/abc", "p256dh": "abc", "auth": "x"}}
    # when
    result = await gql(REGISTER, data, token=await factories.token_for(t.parent))
    # then
    assert result["data"]["registerPushSubscription"]["code"] == "INVALID_PUSH_SUBSCRIPTION"
    assert not await PushSubscription.exists()


async def test_a_non_web_endpoint_is_refused(db, gql):
    t = await factories.tenant()
    data = {"input": subscription(Device("/x"), "file:///etc/passwd")}
    result = await gql(REGISTER, data, token=await factories.token_for(t.parent))
    assert result["data"]["registerPushSubscription"]["code"] == "INVALID_PUSH_SUBSCRIPTION"


async def test_anonymous_is_refused(db, gql):
    result = await gql(REGISTER, {"input": subscription(Device("/x"), "https://p.example/1")})
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
