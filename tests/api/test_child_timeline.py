"""Child.timeline — newest first, paged, photo posts and diary cards, only own children."""

from __future__ import annotations

from datetime import timedelta

from schema.ids import to_global_id
from services import clock
from tests import factories, timeline_samples

TIMELINE = """
query($id: ID!, $first: Int, $after: String) {
  node(id: $id) {
    ... on Child {
      timeline(first: $first, after: $after) {
        pageInfo { hasNextPage endCursor }
        edges {
          cursor
          node {
            __typename
            ... on PhotoPost {
              id caption postedAt author { name } group { name careType }
              children { id firstName }
              media { kind width height url thumbnailUrl downloadUrl }
            }
            ... on DiaryEntry { text date authorName writtenByParent details }
          }
        }
      }
    }
  }
}"""


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def timeline_of(gql, token, child, first=None, after=None):
    result = await gql(
        TIMELINE,
        {"id": to_global_id("Child", child.id), "first": first, "after": after},
        token=token,
    )
    assert "errors" not in result, result
    node = result["data"]["node"]
    return node["timeline"] if node else None


async def test_a_parent_sees_photo_posts_and_diary_cards_newest_first(db, gql):
    # given
    t = await factories.tenant()
    photo = await timeline_samples.stored_photo(t.staff)
    earlier = clock.now() - timedelta(hours=3)
    post = await timeline_samples.photo_post(
        t.babies, t.staff, [t.child], [photo], posted_at=earlier, caption="Zandbak"
    )
    await timeline_samples.diary_card(t.child, t.babies, t.staff, text="Goed geslapen")
    token = await factories.token_for(t.parent)
    # when
    page = await timeline_of(gql, token, t.child)
    # then
    diary, photo_post = (edge["node"] for edge in page["edges"])
    assert diary["__typename"] == "DiaryEntry"
    assert (diary["text"], diary["writtenByParent"]) == ("Goed geslapen", False)
    assert diary["details"] == {"mood": "vrolijk"}
    assert photo_post["__typename"] == "PhotoPost"
    assert photo_post["id"] == to_global_id("PhotoPost", post.id)
    assert photo_post["caption"] == "Zandbak"
    assert photo_post["group"] == {"name": "Boompjes", "careType": "KDV"}
    assert photo_post["author"]["name"] == f"{t.staff.first_name} {t.staff.last_name}"
    assert photo_post["media"][0]["kind"] == "PHOTO"
    assert (photo_post["media"][0]["width"], photo_post["media"][0]["height"]) == (64, 48)


async def test_a_parent_only_learns_the_names_of_their_own_children_in_a_post(db, gql):
    # given: one post about Sam (ours) and Daan (another family's)
    t = await factories.tenant()
    photo = await timeline_samples.stored_photo(t.staff)
    await timeline_samples.photo_post(t.babies, t.staff, [t.child, t.other_child], [photo])
    ours = await factories.token_for(t.parent)
    staff = await factories.token_for(t.staff)
    # when
    seen_by_parent = await timeline_of(gql, ours, t.child)
    seen_by_staff = await timeline_of(gql, staff, t.child)
    # then
    assert [c["firstName"] for c in seen_by_parent["edges"][0]["node"]["children"]] == ["Sam"]
    assert sorted(c["firstName"] for c in seen_by_staff["edges"][0]["node"]["children"]) == [
        "Daan",
        "Sam",
    ]


async def test_the_timeline_pages_with_cursors_without_gaps_or_duplicates(db, gql):
    # given
    t = await factories.tenant()
    photo = await timeline_samples.stored_photo(t.staff)
    moment = clock.now() - timedelta(days=1)
    posts = [
        await timeline_samples.photo_post(
            t.babies, t.staff, [t.child], [photo], posted_at=moment + timedelta(minutes=n // 2)
        )
        for n in range(7)
    ]
    token = await factories.token_for(t.parent)
    # when
    seen, after, pages = [], None, 0
    while True:
        page = await timeline_of(gql, token, t.child, first=3, after=after)
        seen += [edge["node"]["id"] for edge in page["edges"]]
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    # then
    expected = sorted(posts, key=lambda p: (p.posted_at, p.id), reverse=True)
    assert seen == [to_global_id("PhotoPost", p.id) for p in expected]
    assert pages == 3


async def test_photo_addresses_work_for_the_viewer(db, gql, client):
    # given
    t = await factories.tenant()
    photo = await timeline_samples.stored_photo(t.staff)
    await timeline_samples.photo_post(t.babies, t.staff, [t.child], [photo])
    token = await factories.token_for(t.parent)
    media = (await timeline_of(gql, token, t.child))["edges"][0]["node"]["media"][0]
    # when
    full = await client.get(media["url"], headers=bearer(token))
    thumbnail = await client.get(media["thumbnailUrl"])
    download = await client.get(media["downloadUrl"], headers=bearer(token))
    # then
    assert full.status_code == thumbnail.status_code == download.status_code == 200
    assert full.headers["content-disposition"].startswith("inline;")
    assert download.headers["content-disposition"].startswith("attachment;")
    assert full.content == download.content and len(full.content) == photo.size
    assert full.headers["content-type"] == thumbnail.headers["content-type"] == "image/jpeg"


async def test_a_photo_address_copied_to_another_parent_gets_403(db, gql, client):
    # given
    t = await factories.tenant()
    photo = await timeline_samples.stored_photo(t.staff)
    await timeline_samples.photo_post(t.babies, t.staff, [t.child], [photo])
    ours = await factories.token_for(t.parent)
    url = (await timeline_of(gql, ours, t.child))["edges"][0]["node"]["media"][0]["downloadUrl"]
    theirs = await factories.token_for(t.other_parent)
    # when
    response = await client.get(url, headers=bearer(theirs))
    # then
    assert response.status_code == 403


async def test_the_timeline_of_another_parents_child_is_not_reachable(db, gql):
    # given
    t = await factories.tenant()
    photo = await timeline_samples.stored_photo(t.staff)
    post = await timeline_samples.photo_post(t.babies, t.staff, [t.other_child], [photo])
    token = await factories.token_for(t.parent)
    # when
    child = await timeline_of(gql, token, t.other_child)
    as_node = await gql(
        "query($id: ID!) { node(id: $id) { id } }",
        {"id": to_global_id("PhotoPost", post.id)},
        token=token,
    )
    # then
    assert child is None
    assert as_node["data"]["node"] is None


async def test_a_post_is_reachable_as_a_node_through_an_own_child(db, gql):
    # given
    t = await factories.tenant()
    photo = await timeline_samples.stored_photo(t.staff)
    post = await timeline_samples.photo_post(t.babies, t.staff, [t.child, t.other_child], [photo])
    token = await factories.token_for(t.parent)
    # when
    result = await gql(
        "query($id: ID!) { node(id: $id) { ... on PhotoPost { caption children { firstName } } } }",
        {"id": to_global_id("PhotoPost", post.id)},
        token=token,
    )
    # then
    assert result["data"]["node"] == {
        "caption": "Buiten spelen",
        "children": [{"firstName": "Sam"}],
    }


async def test_staff_see_the_timeline_of_children_in_their_group_only(db, gql):
    # given
    t = await factories.tenant()
    photo = await timeline_samples.stored_photo(t.bso_staff)
    await timeline_samples.photo_post(t.bso, t.bso_staff, [t.bso_child], [photo])
    token = await factories.token_for(t.staff)
    # when
    page = await timeline_of(gql, token, t.bso_child)
    # then
    assert page is None


async def test_a_bad_cursor_is_bad_input(db, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.parent)
    # when
    result = await gql(
        TIMELINE, {"id": to_global_id("Child", t.child.id), "after": "bm9wZQ"}, token=token
    )
    # then
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
