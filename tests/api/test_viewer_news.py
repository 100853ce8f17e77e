"""query viewer { news } — newest first, scoped, with the paperclip and downloadable files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models import NewsItem
from schema.ids import pk_of, to_global_id
from services import clock, news
from tests import factories, media_samples
from tests.publication_samples import principal_of

NEWS = """
query($first: Int, $after: String) { viewer { news(first: $first, after: $after) {
  edges { cursor node {
    id title body publishedAt status hasAttachments isRead readCount
    location { name }
    attachments { id kind filename downloadUrl }
  } }
  pageInfo { hasNextPage endCursor }
} } }"""

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def nodes(result: dict) -> list[dict]:
    return [e["node"] for e in result["data"]["viewer"]["news"]["edges"]]


async def test_a_parent_reads_the_news_of_their_organisation_and_location(db, gql):
    # given
    clock.set_clock(lambda: NOW)
    t = await factories.tenant()
    elsewhere = await factories.location(t.org, "Het Klavertje")
    planner = await principal_of(t.planner)
    await news.publish(planner, title="Voor iedereen", body="Alle locaties.")
    clock.set_clock(lambda: NOW + timedelta(minutes=1))
    await news.publish(planner, title="Boomgaard", body="Hier.", location_id=t.location.id)
    await news.publish(planner, title="Klavertje", body="Daar.", location_id=elsewhere.id)
    other = await factories.tenant("zonnestraal")
    await news.publish(await principal_of(other.planner), title="Zon", body="Elders.")
    token = await factories.token_for(t.parent)
    # when
    result = await gql(NEWS, token=token)
    # then
    items = nodes(result)
    assert [n["title"] for n in items] == ["Boomgaard", "Voor iedereen"]
    assert items[0]["location"] == {"name": "De Boomgaard"}
    assert items[1]["location"] is None
    assert items[1]["publishedAt"] == "2026-11-30T09:00:00+00:00"
    assert items[0]["status"] == "PUBLISHED"
    assert (items[0]["hasAttachments"], items[0]["attachments"]) == (False, [])
    assert (items[0]["isRead"], items[0]["readCount"]) == (False, None)


async def test_news_pages_with_cursors(db, gql):
    # given
    clock.set_clock(lambda: NOW)
    t = await factories.tenant()
    for n in range(5):
        await NewsItem.create(
            organisation=t.org, title=f"n{n}", body="x", published_at=NOW - timedelta(hours=n)
        )
    token = await factories.token_for(t.parent)
    # when
    first = await gql(NEWS, {"first": 3}, token=token)
    cursor = first["data"]["viewer"]["news"]["pageInfo"]["endCursor"]
    rest = await gql(NEWS, {"first": 3, "after": cursor}, token=token)
    # then
    assert [n["title"] for n in nodes(first)] == ["n0", "n1", "n2"]
    assert first["data"]["viewer"]["news"]["pageInfo"]["hasNextPage"] is True
    assert [n["title"] for n in nodes(rest)] == ["n3", "n4"]
    assert rest["data"]["viewer"]["news"]["pageInfo"]["hasNextPage"] is False


async def test_a_made_up_cursor_is_bad_input(db, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.parent)
    # when
    result = await gql(NEWS, {"after": "bm90LWEtY3Vyc29y"}, token=token)
    # then
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_an_attachment_carries_the_paperclip_and_downloads_for_the_reader_only(
    db, client, gql
):
    # given
    t = await factories.tenant()
    planner_token = await factories.token_for(t.planner)
    media_id = await media_samples.upload(
        client, gql, planner_token, media_samples.pdf(), kind="DOCUMENT",
        content_type="application/pdf", filename="Sluitingsdagen 2027.pdf",
    )  # fmt: skip
    await news.publish(
        await principal_of(t.planner),
        title="Sluitingsdagen",
        body="Zie bijlage.",
        attachment_ids=[pk_of(media_id, "Media")],
    )
    parent_token = await factories.token_for(t.parent)
    other_token = await factories.token_for(t.other_parent)
    # when
    result = await gql(NEWS, token=parent_token)
    [item] = nodes(result)
    url = item["attachments"][0]["downloadUrl"]
    mine = await client.get(url, headers={"Authorization": f"Bearer {parent_token}"})
    copied = await client.get(url, headers={"Authorization": f"Bearer {other_token}"})
    # then
    assert item["hasAttachments"] is True
    assert item["attachments"][0]["id"] == media_id
    assert item["attachments"][0]["filename"] == "Sluitingsdagen 2027.pdf"
    assert mine.status_code == 200
    assert mine.headers["content-disposition"].startswith("attachment;")
    assert mine.content == media_samples.pdf()
    assert copied.status_code == 403


async def test_a_planner_sees_the_reach(db, gql):
    # given
    t = await factories.tenant()
    item = await news.publish(await principal_of(t.planner), title="Nieuws", body="x")
    for reader in (t.parent, t.other_parent):
        await news.mark_read(await principal_of(reader), item.id, [t.location.id])
    token = await factories.token_for(t.planner)
    # when
    result = await gql(NEWS, token=token)
    # then
    [node] = nodes(result)
    assert node["id"] == to_global_id("NewsItem", item.id)
    assert node["readCount"] == 2


async def test_news_needs_a_login(db, gql):
    # when
    result = await gql(NEWS)
    # then
    assert result["data"]["viewer"] is None
