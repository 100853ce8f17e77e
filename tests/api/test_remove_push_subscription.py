"""mutation removePushSubscription"""

from __future__ import annotations

from models import PushSubscription
from services import auth
from services.notifications import devices
from tests import factories
from tests.notification_helpers import Device

REMOVE = "mutation($e: String!) { removePushSubscription(endpoint: $e) }"
ENDPOINT = "https://push.example.net/phone"


async def register(user) -> None:
    device = Device("/phone")
    principal = await auth.authenticate(await factories.token_for(user))
    await devices.register(principal, endpoint=ENDPOINT, p256dh=device.p256dh, auth=device.auth)


async def test_the_owner_removes_their_device(db, gql):
    # given
    t = await factories.tenant()
    await register(t.parent)
    # when
    result = await gql(REMOVE, {"e": ENDPOINT}, token=await factories.token_for(t.parent))
    # then
    assert result["data"]["removePushSubscription"] is True
    assert not await PushSubscription.exists()


async def test_someone_else_cannot_remove_it(db, gql):
    # given
    t = await factories.tenant()
    await register(t.parent)
    # when
    result = await gql(REMOVE, {"e": ENDPOINT}, token=await factories.token_for(t.other_parent))
    # then
    assert result["data"]["removePushSubscription"] is False
    assert await PushSubscription.filter(user_id=t.parent.id).exists()
