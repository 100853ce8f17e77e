"""query viewer { newsletters } — newest first, scoped, safe HTML, attachments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models import Newsletter
from services import clock, newsletters
from tests import factories
from tests.publication_samples import principal_of, ready_file

LETTERS = """
query($first: Int, $after: String) { viewer { newsletters(first: $first, after: $after) {
  edges { node { id title html publishedAt hasAttachments location { name }
                 attachments { kind filename downloadUrl } } }
  pageInfo { hasNextPage endCursor }
} } }"""

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
HTML = "<h2>Najaar</h2><p>Wij maken <strong>lampionnen</strong>.</p>"


def nodes(result: dict) -> list[dict]:
    return [e["node"] for e in result["data"]["viewer"]["newsletters"]["edges"]]


async def test_a_parent_reads_newsletters_of_their_organisation_and_location(db, gql):
    # given
    clock.set_clock(lambda: NOW)
    t = await factories.tenant()
    elsewhere = await factories.location(t.org, "Het Klavertje")
    planner = await principal_of(t.planner)
    file = await ready_file(t.planner)
    await newsletters.publish(planner, title="Allen", html=HTML, attachment_ids=[file.id])
    clock.set_clock(lambda: NOW + timedelta(minutes=5))
    await newsletters.publish(planner, title="Hier", html=HTML, location_id=t.location.id)
    await newsletters.publish(planner, title="Daar", html=HTML, location_id=elsewhere.id)
    other = await factories.tenant("zonnestraal")
    await newsletters.publish(await principal_of(other.planner), title="Zon", html=HTML)
    token = await factories.token_for(t.parent)
    # when
    result = await gql(LETTERS, token=token)
    # then
    letters = nodes(result)
    assert [n["title"] for n in letters] == ["Hier", "Allen"]
    assert letters[0]["html"] == HTML
    assert letters[0]["location"] == {"name": "De Boomgaard"}
    assert (letters[0]["hasAttachments"], letters[1]["hasAttachments"]) == (False, True)
    assert letters[1]["attachments"][0]["kind"] == "DOCUMENT"
    assert "/media/" in letters[1]["attachments"][0]["downloadUrl"]


async def test_html_written_around_the_service_is_still_sanitised_on_read(db, gql):
    # given: a row stored directly (an import, a migration): never trusted
    clock.set_clock(lambda: NOW)
    t = await factories.tenant()
    await Newsletter.create(
        organisation=t.org,
        title="Oud",
        html='<p onclick="x()">Hoi</p><script>alert(1)</script>',
        published_at=NOW,
    )
    token = await factories.token_for(t.parent)
    # when
    result = await gql(LETTERS, token=token)
    # then
    assert nodes(result)[0]["html"] == "<p>Hoi</p>"


async def test_newsletters_page_with_cursors(db, gql):
    # given
    clock.set_clock(lambda: NOW)
    t = await factories.tenant()
    for n in range(3):
        await Newsletter.create(
            organisation=t.org, title=f"b{n}", html=HTML, published_at=NOW - timedelta(days=n)
        )
    token = await factories.token_for(t.parent)
    # when
    first = await gql(LETTERS, {"first": 2}, token=token)
    cursor = first["data"]["viewer"]["newsletters"]["pageInfo"]["endCursor"]
    rest = await gql(LETTERS, {"first": 2, "after": cursor}, token=token)
    # then
    assert [n["title"] for n in nodes(first)] == ["b0", "b1"]
    assert [n["title"] for n in nodes(rest)] == ["b2"]
