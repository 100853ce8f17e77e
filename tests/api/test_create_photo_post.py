"""mutation createPhotoPost — staff post uploaded photos about children of their group."""

from __future__ import annotations

import asyncio

from models import Event, TimelineItem
from schema.ids import to_global_id
from tests import factories, media_samples

CREATE = """
mutation($input: CreatePhotoPostInput!) {
  createPhotoPost(input: $input) {
    __typename
    ... on PhotoPostCreated {
      post { id caption group { name } children { firstName } media { kind width height } }
    }
    ... on Refused { code field messageNl messageEn }
  }
}"""


def ids(type_name, *rows):
    return [to_global_id(type_name, r.id) for r in rows]


async def test_staff_upload_a_photo_and_post_it_about_two_children(db, gql, client):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.staff)
    media_id = await media_samples.upload(
        client, gql, token, media_samples.jpeg_with_location(40, 20)
    )
    # when
    result = await gql(
        CREATE,
        {
            "input": {
                "childIds": ids("Child", t.child, t.other_child),
                "mediaIds": [media_id],
                "caption": "Zandbak",
            }
        },
        token=token,
    )
    # then
    post = result["data"]["createPhotoPost"]["post"]
    assert post["caption"] == "Zandbak" and post["group"]["name"] == "Boompjes"
    assert sorted(c["firstName"] for c in post["children"]) == ["Daan", "Sam"]
    assert post["media"] == [{"kind": "PHOTO", "width": 20, "height": 40}]
    events = await Event.filter(type="timeline.item_added")
    assert sorted(e.topic for e in events) == sorted(
        [f"child:{t.child.id}", f"child:{t.other_child.id}"]
    )
    # published after commit, by a background task of the hub
    async with asyncio.timeout(10):
        while await Event.filter(type="timeline.item_added", published_at=None).exists():  # noqa: ASYNC110
            await asyncio.sleep(0.05)


async def test_the_parent_then_finds_it_on_their_childs_timeline(db, gql, client):
    # given
    t = await factories.tenant()
    staff = await factories.token_for(t.staff)
    media_id = await media_samples.upload(client, gql, staff, media_samples.jpeg())
    await gql(
        CREATE,
        {"input": {"childIds": ids("Child", t.child), "mediaIds": [media_id], "caption": "Hoi"}},
        token=staff,
    )
    # when
    result = await gql(
        """{ viewer { children { edges { node { firstName
             timeline { edges { node { ... on PhotoPost { caption } } } } } } } } }""",
        token=await factories.token_for(t.parent),
    )
    # then
    timelines = {
        e["node"]["firstName"]: [i["node"] for i in e["node"]["timeline"]["edges"]]
        for e in result["data"]["viewer"]["children"]["edges"]
    }
    assert timelines == {"Sam": [{"caption": "Hoi"}], "Noor": []}


async def test_staff_may_not_post_about_a_child_of_another_group(db, gql, client):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.staff)
    media_id = await media_samples.upload(client, gql, token, media_samples.jpeg())
    # when
    result = await gql(
        CREATE,
        {"input": {"childIds": ids("Child", t.bso_child), "mediaIds": [media_id]}},
        token=token,
    )
    # then
    refused = result["data"]["createPhotoPost"]
    assert (refused["code"], refused["field"]) == ("CHILD_NOT_IN_YOUR_GROUP", "childIds")
    assert await TimelineItem.all().count() == 0


async def test_a_post_without_media_is_refused(db, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.staff)
    # when
    result = await gql(
        CREATE, {"input": {"childIds": ids("Child", t.child), "mediaIds": []}}, token=token
    )
    # then
    assert result["data"]["createPhotoPost"]["code"] == "NO_MEDIA"


async def test_a_photo_not_uploaded_yet_is_refused(db, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.staff)
    ticket = await media_samples.ticket(
        gql, token, kind="PHOTO", data=media_samples.jpeg(), content_type="image/jpeg"
    )
    # when
    result = await gql(
        CREATE,
        {"input": {"childIds": ids("Child", t.child), "mediaIds": [ticket["mediaId"]]}},
        token=token,
    )
    # then
    assert result["data"]["createPhotoPost"]["code"] == "MEDIA_NOT_READY"


async def test_a_photo_of_another_organisation_is_not_found(db, gql, client):
    # given
    t = await factories.tenant()
    other = await factories.tenant("zonnestraal")
    foreign = await media_samples.upload(
        client, gql, await factories.token_for(other.staff), media_samples.jpeg()
    )
    # when
    result = await gql(
        CREATE,
        {"input": {"childIds": ids("Child", t.child), "mediaIds": [foreign]}},
        token=await factories.token_for(t.staff),
    )
    # then
    assert result["data"]["createPhotoPost"]["code"] == "MEDIA_NOT_FOUND"


async def test_parents_may_not_post_photos(db, gql, client):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.parent)
    media_id = await media_samples.upload(client, gql, token, media_samples.jpeg())
    # when
    result = await gql(
        CREATE,
        {"input": {"childIds": ids("Child", t.child), "mediaIds": [media_id]}},
        token=token,
    )
    # then
    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_malformed_id_is_bad_input(db, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.staff)
    # when
    result = await gql(
        CREATE,
        {"input": {"childIds": [to_global_id("User", t.parent.id)], "mediaIds": []}},
        token=token,
    )
    # then
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
