"""mutation publishNews — planners publish for the organisation or one location."""

from __future__ import annotations

from models import Event, NewsItem
from schema.ids import to_global_id
from tests import factories
from tests.publication_samples import ready_file

PUBLISH = """
mutation($input: PublishNewsInput!) { publishNews(input: $input) {
  __typename
  ... on NewsItemPayload { newsItem { id title body status location { name }
                                      hasAttachments attachments { filename } } }
  ... on Refused { code messageNl messageEn field }
} }"""


async def test_a_planner_publishes_news_with_an_attachment_for_a_location(db, gql):
    # given
    t = await factories.tenant()
    file = await ready_file(t.planner)
    token = await factories.token_for(t.planner)
    # when
    result = await gql(
        PUBLISH,
        {
            "input": {
                "title": "Moestuin",
                "body": "De peuters hebben een moestuin.",
                "locationId": to_global_id("Location", t.location.id),
                "attachmentIds": [to_global_id("Media", file.id)],
            }
        },
        token=token,
    )
    # then
    payload = result["data"]["publishNews"]
    assert payload["__typename"] == "NewsItemPayload"
    item = payload["newsItem"]
    assert (item["title"], item["status"], item["location"]) == (
        "Moestuin",
        "PUBLISHED",
        {"name": "De Boomgaard"},
    )
    assert item["hasAttachments"] is True
    assert item["attachments"] == [{"filename": "bijlage.pdf"}]
    assert (await Event.get(type="news.published")).topic == f"location:{t.location.id}"


async def test_an_empty_title_is_refused_with_a_code(db, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.planner)
    # when
    result = await gql(PUBLISH, {"input": {"title": " ", "body": "Tekst"}}, token=token)
    # then
    payload = result["data"]["publishNews"]
    assert (payload["__typename"], payload["code"], payload["field"]) == (
        "Refused",
        "TITLE_REQUIRED",
        "title",
    )
    assert payload["messageNl"] and payload["messageEn"]
    assert await NewsItem.all().count() == 0


async def test_a_location_of_another_organisation_is_refused(db, gql):
    # given
    t = await factories.tenant()
    other = await factories.tenant("zonnestraal")
    token = await factories.token_for(t.planner)
    # when
    result = await gql(
        PUBLISH,
        {
            "input": {
                "title": "Gekaapt",
                "body": "Tekst",
                "locationId": to_global_id("Location", other.location.id),
            }
        },
        token=token,
    )
    # then
    assert result["data"]["publishNews"]["code"] == "LOCATION_NOT_FOUND"
    assert await NewsItem.all().count() == 0


async def test_another_users_file_cannot_be_attached(db, gql):
    # given
    t = await factories.tenant()
    file = await ready_file(t.staff)
    token = await factories.token_for(t.planner)
    # when
    result = await gql(
        PUBLISH,
        {"input": {"title": "T", "body": "B", "attachmentIds": [to_global_id("Media", file.id)]}},
        token=token,
    )
    # then
    assert result["data"]["publishNews"]["code"] == "MEDIA_NOT_FOUND"


async def test_a_parent_may_not_publish(db, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.parent)
    # when
    result = await gql(PUBLISH, {"input": {"title": "T", "body": "B"}}, token=token)
    # then
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await NewsItem.all().count() == 0


async def test_publishing_needs_a_login(db, gql):
    # when
    result = await gql(PUBLISH, {"input": {"title": "T", "body": "B"}})
    # then
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_malformed_location_id_is_bad_input(db, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.planner)
    # when
    result = await gql(
        PUBLISH,
        {"input": {"title": "T", "body": "B", "locationId": to_global_id("Child", t.child.id)}},
        token=token,
    )
    # then
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
