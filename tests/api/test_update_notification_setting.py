"""mutation updateNotificationSetting"""

from __future__ import annotations

from models import NotificationSetting
from tests import factories

UPDATE = """
mutation($input: NotificationSettingInput!) {
  updateNotificationSetting(input: $input) { item push email isDefault }
}"""


async def test_a_parent_switches_email_on_and_push_stays(db, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.parent)
    # when
    result = await gql(UPDATE, {"input": {"item": "MESSAGE", "email": True}}, token=token)
    again = await gql(UPDATE, {"input": {"item": "MESSAGE", "push": False}}, token=token)
    # then
    assert result["data"]["updateNotificationSetting"] == {
        "item": "MESSAGE",
        "push": True,
        "email": True,
        "isDefault": False,
    }
    assert again["data"]["updateNotificationSetting"]["push"] is False
    assert again["data"]["updateNotificationSetting"]["email"] is True
    row = await NotificationSetting.get(user_id=t.parent.id)
    assert (row.push, row.email) == (False, True)
    assert await NotificationSetting.all().count() == 1


async def test_an_unknown_item_is_bad_input(db, gql):
    # given
    t = await factories.tenant()
    # when
    result = await gql(
        UPDATE,
        {"input": {"item": "PIGEON", "email": True}},
        token=await factories.token_for(t.parent),
    )
    # then
    assert result["data"] is None
    assert not await NotificationSetting.exists()


async def test_anonymous_is_refused(db, gql):
    result = await gql(UPDATE, {"input": {"item": "NEWS", "push": False}})
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert not await NotificationSetting.exists()
