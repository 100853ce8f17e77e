"""Child.diary and node(id:) of a DiaryEntry: newest day first, only for those who see the
child, media readable by exactly them, loaded without N+1, and the demo diary renders."""

from __future__ import annotations

from datetime import timedelta

import pytest

from demo import seed
from demo.data import PASSWORD
from models import DiaryMedia, MediaFile
from services import auth, diary, media
from services.diary_parts import DiaryParts, Meal
from tests import factories, timeline_samples
from tests.diary_samples import ENTRY_FIELDS, TODAY, Recorder, at, principal_of, set_now
from tests.messaging_samples import gid
from tests.sql_counter import count_sql

DIARY = """
query($id: ID!, $first: Int, $after: String) { node(id: $id) { ... on Child {
  diary(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { cursor node { ENTRY } }
  }
} } }""".replace("ENTRY", ENTRY_FIELDS)

FAMILY_DIARIES = """
{ viewer { children(first: 20) { edges { node { firstName
  diary(first: 50) { edges { node { ENTRY } } }
} } } } }""".replace("ENTRY", ENTRY_FIELDS)

NODE = "query($id: ID!) { node(id: $id) { __typename ... on DiaryEntry { id text } } }"


@pytest.fixture
async def t(db):  # type: ignore[no-untyped-def]
    set_now(at(TODAY, 9))
    return await factories.tenant()


async def write(user, child, text, days_back=0, media_ids=()):  # type: ignore[no-untyped-def]
    return await diary.write_entry(
        principal_of(user),
        child_id=child.id,
        day=TODAY - timedelta(days=days_back),
        text=text,
        parts=DiaryParts(meals=[Meal("12:00", "brood", "2 stukjes")]),
        media_ids=list(media_ids),
        publisher=Recorder(),
    )


def texts(result: dict) -> list[str]:
    return [e["node"]["text"] for e in result["data"]["node"]["diary"]["edges"]]


async def test_newest_day_first_in_pages_with_cursors(t, gql):
    # given
    for text, back in [("ma", 1), ("di-ochtend", 0), ("zo", 2), ("di-middag", 0)]:
        await write(t.staff, t.child, text, back)
    await write(t.staff, t.other_child, "Daan")
    token = await factories.token_for(t.parent)
    child = gid("Child", t.child.id)
    # when
    first = await gql(DIARY, {"id": child, "first": 3}, token=token)
    cursor = first["data"]["node"]["diary"]["pageInfo"]["endCursor"]
    rest = await gql(DIARY, {"id": child, "first": 3, "after": cursor}, token=token)
    # then
    assert texts(first) == ["di-middag", "di-ochtend", "ma"]
    assert first["data"]["node"]["diary"]["pageInfo"]["hasNextPage"] is True
    assert texts(rest) == ["zo"]
    assert rest["data"]["node"]["diary"]["pageInfo"]["hasNextPage"] is False
    meal = first["data"]["node"]["diary"]["edges"][0]["node"]["meals"]
    assert meal == [{"time": "12:00", "what": "brood", "amount": "2 stukjes"}]


async def test_a_bad_cursor_is_bad_input(t, gql):
    token = await factories.token_for(t.parent)
    result = await gql(DIARY, {"id": gid("Child", t.child.id), "after": "bm9wZQ"}, token=token)
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_entries_show_on_the_timeline_as_diary_cards(t, gql):
    entry = await write(t.parent, t.child, "Nacht")
    token = await factories.token_for(t.staff)
    query = """query($id: ID!) { node(id: $id) { ... on Child { timeline { edges { node {
      __typename ... on DiaryEntry { id author { role } canEdit } } } } } } }"""
    result = await gql(query, {"id": gid("Child", t.child.id)}, token=token)
    nodes = [e["node"] for e in result["data"]["node"]["timeline"]["edges"]]
    assert nodes == [
        {
            "__typename": "DiaryEntry",
            "id": gid("DiaryEntry", entry.id),
            "author": {"role": "PARENT"},
            "canEdit": False,
        }
    ]


async def test_node_and_media_only_for_those_who_see_the_child(t, gql, client):
    # given a staff entry with a photo
    photo = await timeline_samples.stored_photo(t.staff)
    entry = await write(t.staff, t.child, "Met foto", media_ids=[photo.id])
    entry_id = gid("DiaryEntry", entry.id)
    # then the guardian, group staff and the planner open it; others get nothing
    for user in (t.parent, t.staff, t.planner):
        result = await gql(NODE, {"id": entry_id}, token=await factories.token_for(user))
        assert result["data"]["node"]["text"] == "Met foto", user.role
    for user in (t.other_parent, t.bso_staff):
        result = await gql(NODE, {"id": entry_id}, token=await factories.token_for(user))
        assert result["data"]["node"] is None
        diary_of_sam = await gql(
            DIARY, {"id": gid("Child", t.child.id)}, token=await factories.token_for(user)
        )
        assert diary_of_sam["data"]["node"] is None
    # and the photo downloads for the guardian but not for a parent of another child
    file = await MediaFile.get(id=photo.id)
    for user, status in ((t.parent, 200), (t.other_parent, 403), (t.bso_staff, 403)):
        url = media.download_url(file, user_id=user.id)
        response = await client.get(url.replace("http://testserver", ""))
        assert response.status_code == status, user.role


async def test_a_familys_diaries_take_as_many_statements_for_many_entries_as_for_one(t, gql):
    # given one entry by staff and one by the parent (whose edit right is computed), measured
    token = await factories.token_for(t.parent)
    await write(t.staff, t.child, "één")
    await write(t.parent, t.child, "twee")
    with count_sql() as one:
        small = await gql(FAMILY_DIARIES, token=token)
    # when there are many entries with photos, over two children of the family
    await factories.placement(t.sibling, t.babies)
    for n in range(6):
        photo = await timeline_samples.stored_photo(t.staff)
        await write(t.staff, t.child, f"Sam {n}", n, media_ids=[photo.id])
        await write(t.parent, t.sibling, f"Noor {n}", n)
    with count_sql() as many:
        big = await gql(FAMILY_DIARIES, token=token)
    # then
    assert "errors" not in small and "errors" not in big, big
    children = big["data"]["viewer"]["children"]["edges"]
    assert sum(len(c["node"]["diary"]["edges"]) for c in children) == 14
    assert many.count == one.count, str(many)


async def test_the_demo_diary_renders_with_parts_authors_and_photos(db, gql, client):
    # given the demo organisation, seen by staff of the baby group
    await seed(today=TODAY)
    set_now(at(TODAY, 9))
    granted = await auth.login(
        organisation_slug="hoera",
        email="medewerker@hoera.example",
        password=PASSWORD,
        client_address="198.51.100.9",
    )
    # when
    result = await gql(FAMILY_DIARIES, token=granted.token)
    # then every demo entry renders through the typed fields
    assert "errors" not in result, result
    entries = [
        edge["node"]
        for child in result["data"]["viewer"]["children"]["edges"]
        for edge in child["node"]["diary"]["edges"]
    ]
    by_staff = [e for e in entries if e["author"]["role"] == "STAFF"]
    assert by_staff and all(e["meals"] and e["sleeps"] and e["mood"] for e in by_staff)
    assert {e["author"]["role"] for e in entries} == {"STAFF", "PARENT"}
    assert all(n["kind"] in ("WET", "DIRTY") for e in entries for n in e["nappies"])
    with_photo = [e for e in entries if e["media"]]
    assert with_photo and await DiaryMedia.exists()
    response = await client.get(with_photo[0]["media"][0]["url"].replace("http://testserver", ""))
    assert response.status_code == 200
