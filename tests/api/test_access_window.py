"""The access window: a parent keeps a child's data until 8 weeks after the last care day."""

from __future__ import annotations

from datetime import timedelta

from schema.ids import to_global_id
from services import clock, media
from tests import factories, timeline_samples

CHILDREN = "{ viewer { children { edges { node { id firstName } } } } }"
NODE = "query($id: ID!) { node(id: $id) { id } }"
TIMELINE = """query($id: ID!) { node(id: $id) { ... on Child {
  timeline { edges { node { ... on PhotoPost { media { downloadUrl } } } } } } } }"""


async def family_that_left(weeks_ago: int):
    """A family whose child's last care day was `weeks_ago` weeks ago, with one photo post."""
    t = await factories.tenant()
    last_day = clock.today() - timedelta(weeks=weeks_ago)
    leaver = await factories.child(
        t.org,
        guardians=[t.parent],
        grp=t.babies,
        start=last_day - timedelta(days=300),
        end=last_day,
        first_name="Vera",
    )
    photo = await timeline_samples.stored_photo(t.staff)
    post = await timeline_samples.photo_post(
        t.babies, t.staff, [leaver], [photo], posted_at=clock.now() - timedelta(weeks=weeks_ago + 2)
    )
    return t, leaver, photo, post


async def test_within_eight_weeks_the_child_and_its_photos_are_still_there(db, gql, client):
    # given
    t, leaver, _, _ = await family_that_left(weeks_ago=7)
    token = await factories.token_for(t.parent)
    # when
    children = await gql(CHILDREN, token=token)
    timeline = await gql(TIMELINE, {"id": to_global_id("Child", leaver.id)}, token=token)
    url = timeline["data"]["node"]["timeline"]["edges"][0]["node"]["media"][0]["downloadUrl"]
    download = await client.get(url, headers={"Authorization": f"Bearer {token}"})
    # then
    names = [e["node"]["firstName"] for e in children["data"]["viewer"]["children"]["edges"]]
    assert "Vera" in names
    assert download.status_code == 200


async def test_after_eight_weeks_the_child_is_gone_everywhere(db, gql, client):
    # given
    t, leaver, _, post = await family_that_left(weeks_ago=9)
    token = await factories.token_for(t.parent)
    # when
    children = await gql(CHILDREN, token=token)
    as_node = await gql(NODE, {"id": to_global_id("Child", leaver.id)}, token=token)
    post_node = await gql(NODE, {"id": to_global_id("PhotoPost", post.id)}, token=token)
    timeline = await gql(TIMELINE, {"id": to_global_id("Child", leaver.id)}, token=token)
    # then
    names = [e["node"]["firstName"] for e in children["data"]["viewer"]["children"]["edges"]]
    assert "Vera" not in names and "Sam" in names
    assert as_node["data"]["node"] is None
    assert post_node["data"]["node"] is None
    assert timeline["data"]["node"] is None


async def test_a_download_url_handed_out_before_the_window_closed_stops_working(db, client):
    # given: a long-lived URL issued while the child was still visible
    t, _, photo, _ = await family_that_left(weeks_ago=7)
    token = await factories.token_for(t.parent)
    url = media.download_url(photo, user_id=t.parent.id, ttl_seconds=60 * 60 * 24 * 30)
    assert (await client.get(url, headers={"Authorization": f"Bearer {token}"})).status_code == 200
    later = clock.now() + timedelta(weeks=2)
    clock.set_clock(lambda: later)
    token = await factories.token_for(t.parent)
    # when
    response = await client.get(url, headers={"Authorization": f"Bearer {token}"})
    # then
    assert response.status_code == 403
