"""query viewer.notificationSettings"""

from __future__ import annotations

from models import NotificationItem, NotificationSetting
from tests import factories

QUERY = "{ viewer { notificationSettings { item push email isDefault } } }"


async def test_every_item_is_listed_with_the_defaults_filled_in(db, gql):
    # given: one own choice, nothing else
    t = await factories.tenant()
    await NotificationSetting.create(
        user=t.parent, item=NotificationItem.NEWS, push=False, email=True
    )
    # when
    result = await gql(QUERY, token=await factories.token_for(t.parent))
    # then
    rows = {r["item"]: r for r in result["data"]["viewer"]["notificationSettings"]}
    assert list(rows) == [
        "MESSAGE",
        "DIARY",
        "PHOTO",
        "NEWS",
        "NEWSLETTER",
        "REQUEST_DECISION",
        "DOCUMENT",
    ]
    assert rows["NEWS"] == {"item": "NEWS", "push": False, "email": True, "isDefault": False}
    assert rows["MESSAGE"] == {"item": "MESSAGE", "push": True, "email": False, "isDefault": True}
    assert rows["DOCUMENT"]["email"] is True and rows["REQUEST_DECISION"]["email"] is True


async def test_another_users_choice_does_not_show(db, gql):
    # given
    t = await factories.tenant()
    await NotificationSetting.create(
        user=t.other_parent, item=NotificationItem.MESSAGE, push=False, email=True
    )
    # when
    result = await gql(QUERY, token=await factories.token_for(t.parent))
    # then
    message = result["data"]["viewer"]["notificationSettings"][0]
    assert message == {"item": "MESSAGE", "push": True, "email": False, "isDefault": True}


async def test_anonymous_has_no_viewer(db, gql):
    result = await gql(QUERY)
    assert result["data"]["viewer"] is None
