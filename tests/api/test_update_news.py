"""mutation updateNews — edit title, text, scope and attachments; left-out fields stay."""

from __future__ import annotations

from models import NewsItem
from schema.ids import to_global_id
from services import news
from tests import factories
from tests.publication_samples import principal_of, ready_file

UPDATE = """
mutation($input: UpdateNewsInput!) { updateNews(input: $input) {
  __typename
  ... on NewsItemPayload { newsItem { title body location { name } attachments { filename } } }
  ... on Refused { code field }
} }"""


async def published(t, **kwargs) -> NewsItem:
    return await news.publish(
        await principal_of(t.planner), title="Oud", body="Oude tekst", **kwargs
    )


async def test_a_planner_changes_the_title_and_makes_it_organisation_wide(db, gql):
    # given
    t = await factories.tenant()
    file = await ready_file(t.planner)
    item = await published(t, location_id=t.location.id, attachment_ids=[file.id])
    token = await factories.token_for(t.planner)
    # when
    result = await gql(
        UPDATE,
        {"input": {"id": to_global_id("NewsItem", item.id), "title": "Nieuw", "locationId": None}},
        token=token,
    )
    # then
    edited = result["data"]["updateNews"]["newsItem"]
    assert edited == {
        "title": "Nieuw",
        "body": "Oude tekst",
        "location": None,
        "attachments": [{"filename": "bijlage.pdf"}],
    }


async def test_attachments_are_replaced_by_the_given_list(db, gql):
    # given
    t = await factories.tenant()
    item = await published(t, attachment_ids=[(await ready_file(t.planner)).id])
    token = await factories.token_for(t.planner)
    # when
    result = await gql(
        UPDATE,
        {"input": {"id": to_global_id("NewsItem", item.id), "attachmentIds": []}},
        token=token,
    )
    # then
    assert result["data"]["updateNews"]["newsItem"]["attachments"] == []


async def test_an_empty_text_is_refused(db, gql):
    # given
    t = await factories.tenant()
    item = await published(t)
    token = await factories.token_for(t.planner)
    # when
    result = await gql(
        UPDATE, {"input": {"id": to_global_id("NewsItem", item.id), "body": ""}}, token=token
    )
    # then
    assert result["data"]["updateNews"]["code"] == "BODY_REQUIRED"
    assert (await NewsItem.get(id=item.id)).body == "Oude tekst"


async def test_a_planner_of_another_organisation_gets_not_found(db, gql):
    # given
    t = await factories.tenant()
    other = await factories.tenant("zonnestraal")
    item = await published(t)
    token = await factories.token_for(other.planner)
    # when
    result = await gql(
        UPDATE, {"input": {"id": to_global_id("NewsItem", item.id), "title": "X"}}, token=token
    )
    # then
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert (await NewsItem.get(id=item.id)).title == "Oud"


async def test_staff_may_not_edit_news(db, gql):
    # given
    t = await factories.tenant()
    item = await published(t)
    token = await factories.token_for(t.staff)
    # when
    result = await gql(
        UPDATE, {"input": {"id": to_global_id("NewsItem", item.id), "title": "X"}}, token=token
    )
    # then
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
