"""node(id:) for Location, NewsItem, Newsletter and Document: the same checks as the lists."""

from __future__ import annotations

from datetime import date

from models import DocumentKind
from schema.ids import to_global_id
from services import documents, news, newsletters
from services.documents import NewDocument
from tests import factories
from tests.publication_samples import principal_of, ready_file

NODE = """query($id: ID!) { node(id: $id) {
  __typename id
  ... on Location { name }
  ... on NewsItem { title status }
  ... on Newsletter { title }
  ... on Document { title }
} }"""


async def fetch(gql, user, type_name: str, pk: int):
    result = await gql(
        NODE, {"id": to_global_id(type_name, pk)}, token=await factories.token_for(user)
    )
    return result["data"]["node"]


async def test_locations_by_id_only_for_those_who_belong_there(db, gql):
    # given
    t = await factories.tenant()
    elsewhere = await factories.location(t.org, "Het Klavertje")
    other = await factories.tenant("zonnestraal")
    # when / then
    assert (await fetch(gql, t.parent, "Location", t.location.id))["name"] == "De Boomgaard"
    assert await fetch(gql, t.parent, "Location", elsewhere.id) is None
    assert (await fetch(gql, t.planner, "Location", elsewhere.id))["name"] == "Het Klavertje"
    assert await fetch(gql, t.planner, "Location", other.location.id) is None


async def test_news_by_id_follows_the_feed_rules(db, gql):
    # given
    t = await factories.tenant()
    elsewhere = await factories.location(t.org, "Het Klavertje")
    other = await factories.tenant("zonnestraal")
    planner = await principal_of(t.planner)
    here = await news.publish(planner, title="Hier", body="x", location_id=t.location.id)
    there = await news.publish(planner, title="Daar", body="x", location_id=elsewhere.id)
    gone = await news.publish(planner, title="Weg", body="x")
    await news.withdraw(planner, gone.id)
    foreign = await news.publish(await principal_of(other.planner), title="Zon", body="x")
    # when / then
    assert (await fetch(gql, t.parent, "NewsItem", here.id))["title"] == "Hier"
    assert await fetch(gql, t.parent, "NewsItem", there.id) is None
    assert await fetch(gql, t.parent, "NewsItem", gone.id) is None
    assert await fetch(gql, t.parent, "NewsItem", foreign.id) is None
    assert (await fetch(gql, t.planner, "NewsItem", gone.id))["status"] == "WITHDRAWN"
    assert await fetch(gql, t.planner, "NewsItem", foreign.id) is None


async def test_newsletters_by_id_follow_the_feed_rules(db, gql):
    # given
    t = await factories.tenant()
    other = await factories.tenant("zonnestraal")
    mine = await newsletters.publish(await principal_of(t.planner), title="B", html="<p>x</p>")
    foreign = await newsletters.publish(
        await principal_of(other.planner), title="Z", html="<p>x</p>"
    )
    # when / then
    assert (await fetch(gql, t.parent, "Newsletter", mine.id))["title"] == "B"
    assert await fetch(gql, t.parent, "Newsletter", foreign.id) is None
    assert await fetch(gql, other.parent, "Newsletter", mine.id) is None


async def test_a_parent_never_reaches_another_parents_document(db, gql):
    # given
    t = await factories.tenant()
    other = await factories.tenant("zonnestraal")
    file = await ready_file(t.planner)
    doc = await documents.upload(
        await principal_of(t.planner),
        NewDocument(t.parent.id, DocumentKind.CONTRACT, "Contract", file.id,
                    signed_on=date(2026, 1, 5)),
    )  # fmt: skip
    # when / then
    assert (await fetch(gql, t.parent, "Document", doc.id))["title"] == "Contract"
    assert await fetch(gql, t.other_parent, "Document", doc.id) is None
    assert await fetch(gql, t.staff, "Document", doc.id) is None
    assert (await fetch(gql, t.planner, "Document", doc.id))["title"] == "Contract"
    assert await fetch(gql, other.planner, "Document", doc.id) is None
