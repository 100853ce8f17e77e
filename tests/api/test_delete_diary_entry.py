"""mutation deleteDiaryEntry — authors remove their own entry and its timeline card, same day."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models import DiaryEntry, Event, TimelineItem
from tests import factories
from tests.diary_samples import DELETE, TODAY, WRITE, at, set_now
from tests.messaging_samples import gid

TIMELINE = """
query($id: ID!) { node(id: $id) { ... on Child {
  timeline { edges { node { __typename ... on DiaryEntry { id text } } } }
  diary { edges { node { id } } }
} } }"""


@pytest.fixture
async def t(db):  # type: ignore[no-untyped-def]
    set_now(at(TODAY, 8))
    return await factories.tenant()


async def written(gql, token, child):  # type: ignore[no-untyped-def]
    variables = {"input": {"childId": gid("Child", child.id), "text": "Eerst"}}
    return (await gql(WRITE, variables, token=token))["data"]["writeDiaryEntry"]["entry"]


async def test_the_author_deletes_and_the_card_leaves_the_timeline(t, gql):
    # given
    token = await factories.token_for(t.parent)
    entry = await written(gql, token, t.child)
    before = await gql(TIMELINE, {"id": gid("Child", t.child.id)}, token=token)
    # when
    result = await gql(DELETE, {"id": entry["id"]}, token=token)
    after = await gql(TIMELINE, {"id": gid("Child", t.child.id)}, token=token)
    # then
    assert result["data"]["deleteDiaryEntry"] == {
        "__typename": "DiaryEntryDeleted",
        "deletedId": entry["id"],
    }
    timeline_before = before["data"]["node"]["timeline"]["edges"]
    assert [e["node"]["id"] for e in timeline_before] == [entry["id"]]
    assert after["data"]["node"]["timeline"]["edges"] == []
    assert after["data"]["node"]["diary"]["edges"] == []
    assert not await TimelineItem.exists() and not await DiaryEntry.exists()
    assert await Event.filter(type="diary_entry.deleted").count() == 1


async def test_a_parent_cannot_delete_a_staff_entry(t, gql):
    entry = await written(gql, await factories.token_for(t.staff), t.child)
    parent = await factories.token_for(t.parent)
    result = await gql(DELETE, {"id": entry["id"]}, token=parent)
    assert result["data"]["deleteDiaryEntry"]["code"] == "NOT_YOUR_DIARY_ENTRY"
    assert await DiaryEntry.exists()


async def test_staff_of_another_group_get_not_found(t, gql):
    entry = await written(gql, await factories.token_for(t.staff), t.child)
    result = await gql(DELETE, {"id": entry["id"]}, token=await factories.token_for(t.bso_staff))
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_a_delete_after_the_day_is_refused(t, gql):
    token = await factories.token_for(t.staff)
    entry = await written(gql, token, t.child)
    set_now(at(TODAY + timedelta(days=2)))
    result = await gql(DELETE, {"id": entry["id"]}, token=token)
    assert result["data"]["deleteDiaryEntry"]["code"] == "DIARY_EDIT_WINDOW_CLOSED"
