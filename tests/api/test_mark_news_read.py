"""mutation markNewsRead — the reader is counted once ("news reach")."""

from __future__ import annotations

from models import NewsRead
from schema.ids import to_global_id
from services import news
from tests import factories
from tests.publication_samples import principal_of

MARK = "mutation($id: ID!) { markNewsRead(id: $id) { title isRead } }"


async def test_a_parent_marks_an_item_read_once(db, gql):
    # given
    t = await factories.tenant()
    item = await news.publish(await principal_of(t.planner), title="Nieuws", body="x")
    token = await factories.token_for(t.parent)
    # when
    first = await gql(MARK, {"id": to_global_id("NewsItem", item.id)}, token=token)
    again = await gql(MARK, {"id": to_global_id("NewsItem", item.id)}, token=token)
    # then
    assert first["data"]["markNewsRead"] == {"title": "Nieuws", "isRead": True}
    assert again["data"]["markNewsRead"]["isRead"] is True
    assert await NewsRead.filter(news_item_id=item.id, user_id=t.parent.id).count() == 1


async def test_news_of_another_organisation_gives_null_and_records_nothing(db, gql):
    # given
    t = await factories.tenant()
    other = await factories.tenant("zonnestraal")
    item = await news.publish(await principal_of(other.planner), title="Zon", body="x")
    token = await factories.token_for(t.parent)
    # when
    result = await gql(MARK, {"id": to_global_id("NewsItem", item.id)}, token=token)
    # then
    assert result["data"]["markNewsRead"] is None
    assert await NewsRead.all().count() == 0


async def test_marking_read_needs_a_login(db, gql):
    # when
    result = await gql(MARK, {"id": to_global_id("NewsItem", 1)})
    # then
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
