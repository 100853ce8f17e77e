"""mutation updateDiaryEntry — authors change their own entry on the day they wrote it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models import Event
from tests import factories, media_samples
from tests.diary_samples import TODAY, UPDATE, WRITE, at, set_now
from tests.messaging_samples import gid


@pytest.fixture
async def t(db):  # type: ignore[no-untyped-def]
    set_now(at(TODAY, 8))
    return await factories.tenant()


async def written(gql, token, child, **fields):  # type: ignore[no-untyped-def]
    variables = {"input": {"childId": gid("Child", child.id), "text": "Eerst", **fields}}
    result = await gql(WRITE, variables, token=token)
    return result["data"]["writeDiaryEntry"]["entry"]


async def test_the_author_changes_text_parts_and_media_the_same_day(db, t, gql, client):
    # given a parent's entry with a photo
    token = await factories.token_for(t.parent)
    first = await media_samples.upload(client, gql, token, media_samples.jpeg())
    entry = await written(gql, token, t.child, mediaIds=[first])
    # when they change it in the evening and swap the photo
    set_now(at(TODAY, 21))
    second = await media_samples.upload(client, gql, token, media_samples.jpeg(30, 30))
    result = await gql(
        UPDATE,
        {
            "input": {
                "id": entry["id"],
                "text": "Toch goed geslapen",
                "parts": {"sleeps": [{"start": "19:00", "end": "23:30"}]},
                "mediaIds": [second],
            }
        },
        token=token,
    )
    # then
    changed = result["data"]["updateDiaryEntry"]["entry"]
    assert changed["text"] == "Toch goed geslapen" and changed["canEdit"] is True
    assert changed["sleeps"] == [{"start": "19:00", "end": "23:30"}]
    assert len(changed["media"]) == 1 and changed["media"][0]["url"] != entry["media"][0]["url"]
    assert await Event.filter(type="diary_entry.updated").count() == 1


async def test_without_media_ids_the_media_stay(db, t, gql, client):
    token = await factories.token_for(t.staff)
    photo = await media_samples.upload(client, gql, token, media_samples.jpeg())
    entry = await written(gql, token, t.child, mediaIds=[photo])
    result = await gql(UPDATE, {"input": {"id": entry["id"], "text": "Anders"}}, token=token)
    assert len(result["data"]["updateDiaryEntry"]["entry"]["media"]) == 1


async def test_a_parent_cannot_edit_a_staff_entry_nor_staff_a_parents(db, t, gql):
    staff, parent = await factories.token_for(t.staff), await factories.token_for(t.parent)
    by_staff = await written(gql, staff, t.child)
    by_parent = await written(gql, parent, t.child)
    for token, entry in ((parent, by_staff), (staff, by_parent)):
        result = await gql(UPDATE, {"input": {"id": entry["id"], "text": "X"}}, token=token)
        assert result["data"]["updateDiaryEntry"]["code"] == "NOT_YOUR_DIARY_ENTRY"


async def test_a_parent_of_another_child_gets_not_found(db, t, gql):
    entry = await written(gql, await factories.token_for(t.staff), t.child)
    other = await factories.token_for(t.other_parent)
    result = await gql(UPDATE, {"input": {"id": entry["id"], "text": "X"}}, token=other)
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_an_edit_after_the_day_is_refused(db, t, gql):
    # given an entry of yesterday (and a session still alive today)
    token = await factories.token_for(t.staff)
    entry = await written(gql, token, t.child)
    # when
    set_now(at(TODAY + timedelta(days=1), 8))
    result = await gql(UPDATE, {"input": {"id": entry["id"], "text": "Later"}}, token=token)
    shown = await gql(
        "query($id: ID!) { node(id: $id) { ... on DiaryEntry { text canEdit } } }",
        {"id": entry["id"]},
        token=token,
    )
    # then
    refused = result["data"]["updateDiaryEntry"]
    assert (refused["code"], refused["field"]) == ("DIARY_EDIT_WINDOW_CLOSED", "id")
    assert shown["data"]["node"] == {"text": "Eerst", "canEdit": False}
