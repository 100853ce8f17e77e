"""mutation withdrawNews — out of every feed, once."""

from __future__ import annotations

from schema.ids import to_global_id
from services import news
from tests import factories
from tests.publication_samples import principal_of

WITHDRAW = """
mutation($id: ID!) { withdrawNews(id: $id) {
  __typename
  ... on NewsItemPayload { newsItem { status withdrawnAt } }
  ... on Refused { code }
} }"""

FEED = "{ viewer { news { edges { node { title } } } } }"


async def test_a_withdrawn_item_leaves_the_parents_feed(db, gql):
    # given
    t = await factories.tenant()
    item = await news.publish(await principal_of(t.planner), title="Fout", body="Oeps")
    planner_token = await factories.token_for(t.planner)
    parent_token = await factories.token_for(t.parent)
    # when
    result = await gql(WITHDRAW, {"id": to_global_id("NewsItem", item.id)}, token=planner_token)
    feed = await gql(FEED, token=parent_token)
    # then
    withdrawn = result["data"]["withdrawNews"]["newsItem"]
    assert withdrawn["status"] == "WITHDRAWN" and withdrawn["withdrawnAt"]
    assert feed["data"]["viewer"]["news"]["edges"] == []


async def test_withdrawing_twice_is_refused(db, gql):
    # given
    t = await factories.tenant()
    item = await news.publish(await principal_of(t.planner), title="Fout", body="Oeps")
    token = await factories.token_for(t.planner)
    await gql(WITHDRAW, {"id": to_global_id("NewsItem", item.id)}, token=token)
    # when
    result = await gql(WITHDRAW, {"id": to_global_id("NewsItem", item.id)}, token=token)
    # then
    assert result["data"]["withdrawNews"]["code"] == "ALREADY_WITHDRAWN"


async def test_a_parent_may_not_withdraw(db, gql):
    # given
    t = await factories.tenant()
    item = await news.publish(await principal_of(t.planner), title="Nieuws", body="x")
    token = await factories.token_for(t.parent)
    # when
    result = await gql(WITHDRAW, {"id": to_global_id("NewsItem", item.id)}, token=token)
    # then
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_another_organisations_planner_gets_not_found(db, gql):
    # given
    t = await factories.tenant()
    other = await factories.tenant("zonnestraal")
    item = await news.publish(await principal_of(t.planner), title="Nieuws", body="x")
    token = await factories.token_for(other.planner)
    # when
    result = await gql(WITHDRAW, {"id": to_global_id("NewsItem", item.id)}, token=token)
    # then
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"
