"""mutation writeDiaryEntry — staff of a diary-keeping group and guardians write day-reports."""

from __future__ import annotations

from datetime import timedelta

import pytest

import settings
from models import DiaryEntry, Event
from tests import factories, media_samples
from tests.diary_samples import TODAY, WRITE, at, set_now
from tests.messaging_samples import gid


@pytest.fixture
async def t(db):  # type: ignore[no-untyped-def]
    set_now(at(TODAY))
    return await factories.tenant()


def entry_input(child, **fields):  # type: ignore[no-untyped-def]
    return {"input": {"childId": gid("Child", child.id), **fields}}


async def test_staff_write_a_full_day_report(t, gql, client):
    # given
    token = await factories.token_for(t.staff)
    photo = await media_samples.upload(client, gql, token, media_samples.jpeg())
    parts = {
        "meals": [{"time": "09:30", "what": "fles", "amount": "150 ml"}],
        "sleeps": [{"start": "10:00", "end": "11:15"}, {"start": "13:00"}],
        "nappies": [{"time": "11:20", "kind": "DIRTY"}],
        "mood": "vrolijk",
        "activities": ["zandbak", "zingen"],
    }
    # when
    result = await gql(
        WRITE, entry_input(t.child, text="Fijne dag", parts=parts, mediaIds=[photo]), token=token
    )
    # then
    entry = result["data"]["writeDiaryEntry"]["entry"]
    assert entry["text"] == "Fijne dag" and entry["date"] == TODAY.isoformat()
    assert entry["meals"] == [{"time": "09:30", "what": "fles", "amount": "150 ml"}]
    assert entry["sleeps"] == [{"start": "10:00", "end": "11:15"}, {"start": "13:00", "end": None}]
    assert entry["nappies"] == [{"time": "11:20", "kind": "DIRTY"}]
    assert (entry["mood"], entry["activities"]) == ("vrolijk", ["zandbak", "zingen"])
    assert entry["author"]["role"] == "STAFF" and entry["group"]["name"] == "Boompjes"
    assert entry["child"]["firstName"] == "Sam" and entry["canEdit"] is True
    assert [m["kind"] for m in entry["media"]] == ["PHOTO"]
    assert entry["askAQuestion"] == {
        "childId": gid("Child", t.child.id),
        "groupId": gid("Group", t.babies.id),
        "mutation": "startConversation",
    }
    assert await Event.filter(type="diary_entry.added").count() == 1


async def test_a_parent_writes_with_their_own_photo_and_staff_see_it(t, gql, client):
    # given
    parent = await factories.token_for(t.parent)
    photo = await media_samples.upload(client, gql, parent, media_samples.jpeg())
    # when
    result = await gql(
        WRITE, entry_input(t.child, text="Onrustige nacht", mediaIds=[photo]), token=parent
    )
    # then
    entry = result["data"]["writeDiaryEntry"]["entry"]
    assert entry["author"]["role"] == "PARENT" and len(entry["media"]) == 1
    staff = await factories.token_for(t.staff)
    seen = await gql(
        "query($id: ID!) { node(id: $id) { ... on DiaryEntry { text canEdit } } }",
        {"id": entry["id"]},
        token=staff,
    )
    assert seen["data"]["node"] == {"text": "Onrustige nacht", "canEdit": False}
    # and the staff member may download the parent's photo through its signed URL
    response = await client.get(entry["media"][0]["url"].replace("http://testserver", ""))
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["bso_staff", "other_parent"])
async def test_staff_of_another_group_or_a_parent_of_another_child_get_not_found(t, gql, who):
    token = await factories.token_for(getattr(t, who))
    result = await gql(WRITE, entry_input(t.child, text="Hoi"), token=token)
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert await DiaryEntry.all().count() == 0


async def test_a_group_without_a_diary_is_refused(t, gql):
    token = await factories.token_for(t.bso_staff)
    result = await gql(WRITE, entry_input(t.bso_child, text="Hoi"), token=token)
    refused = result["data"]["writeDiaryEntry"]
    assert (refused["__typename"], refused["code"]) == ("Refused", "DIARY_NOT_KEPT")
    assert refused["messageNl"] and refused["messageEn"]


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({}, "EMPTY_DIARY_ENTRY", "text"),
        ({"text": "x" * 5001}, "TEXT_TOO_LONG", "text"),
        (
            {"parts": {"sleeps": [{"start": "14:00", "end": "13:00"}]}},
            "SLEEP_ENDS_BEFORE_START",
            "sleeps",
        ),
        ({"parts": {"meals": [{"time": "half tien"}]}}, "INVALID_TIME", "meals"),
        ({"text": "x", "date": (TODAY + timedelta(days=1)).isoformat()}, "DATE_IN_FUTURE", "date"),
        (
            {"text": "x", "date": (TODAY - timedelta(days=30)).isoformat()},
            "DATE_TOO_FAR_BACK",
            "date",
        ),
    ],
)
async def test_bad_input_is_refused_with_its_code(t, gql, fields, code, field):
    token = await factories.token_for(t.staff)
    result = await gql(WRITE, entry_input(t.child, **fields), token=token)
    refused = result["data"]["writeDiaryEntry"]
    assert (refused["code"], refused["field"]) == (code, field)


async def test_oversized_media_is_refused_by_the_media_rules(t, gql):
    # given a parent who wants to attach a huge video to an entry
    token = await factories.token_for(t.parent)
    # when they ask for an upload
    result = await gql(
        media_samples.CREATE_UPLOAD,
        {
            "input": {
                "kind": "VIDEO",
                "filename": "nacht.mp4",
                "contentType": "video/mp4",
                "size": settings.MEDIA_MAX_VIDEO_BYTES + 1,
            }
        },
        token=token,
    )
    # then the same rule as for staff media refuses it, and nothing can be attached
    assert result["data"]["createUpload"]["code"] == "MEDIA_TOO_LARGE"


async def test_a_file_larger_than_its_ticket_is_rejected_and_cannot_be_attached(t, gql, client):
    # given a ticket for a small photo
    token = await factories.token_for(t.parent)
    issued = await media_samples.ticket(
        gql, token, kind="PHOTO", data=media_samples.jpeg(), content_type="image/jpeg"
    )
    # when more bytes are sent than announced
    response = await client.put(
        issued["uploadUrl"],
        content=media_samples.jpeg(400, 400) + b"0" * 100_000,
        headers={"Authorization": f"Bearer {token}"},
    )
    result = await gql(WRITE, entry_input(t.child, mediaIds=[issued["mediaId"]]), token=token)
    # then the upload is refused and the diary will not take the file
    assert response.status_code == 413
    assert result["data"]["writeDiaryEntry"]["code"] == "MEDIA_NOT_READY"


async def test_anonymous_is_unauthenticated(t, gql):
    result = await gql(WRITE, entry_input(t.child, text="Hoi"))
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
