"""mutation startConversation"""

from __future__ import annotations

from datetime import timedelta

from models import MediaFile, MediaKind, MediaStatus, Placement
from services import clock
from tests import factories
from tests.messaging_samples import START, gid


async def start(gql, token: str, **fields) -> dict:
    return await gql(START, {"input": fields}, token=token)


async def test_a_parent_starts_a_conversation_with_the_group(db, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.parent)
    # when
    result = await start(gql, token, childId=gid("Child", t.child.id), body="Hoi!", subject="Ziek")
    # then
    payload = result["data"]["startConversation"]
    assert payload["__typename"] == "SendMessageSuccess"
    assert payload["sentMessage"]["body"] == "Hoi!"
    assert payload["sentMessage"]["isMine"] is True
    assert payload["sentMessage"]["author"]["role"] == "PARENT"
    assert payload["conversation"]["child"]["firstName"] == "Sam"
    assert payload["conversation"]["group"]["name"] == "Boompjes"
    assert payload["conversation"]["subject"] == "Ziek"
    assert payload["conversation"]["unreadCount"] == 0


async def test_staff_start_one_with_the_guardians_of_a_child_in_their_group(db, gql):
    t = await factories.tenant()
    token = await factories.token_for(t.staff)
    result = await start(gql, token, childId=gid("Child", t.other_child.id), body="Daan at goed")
    assert result["data"]["startConversation"]["conversation"]["child"]["firstName"] == "Daan"


async def test_with_an_attachment(db, gql):
    t = await factories.tenant()
    token = await factories.token_for(t.parent)
    photo = await MediaFile.create(
        organisation=t.org,
        uploaded_by_id=t.parent.id,
        kind=MediaKind.PHOTO,
        status=MediaStatus.READY,
        content_type="image/jpeg",
        filename="uitslag.jpg",
        size=10,
        storage_key="test/uitslag.jpg",
    )
    result = await start(
        gql,
        token,
        childId=gid("Child", t.child.id),
        body="Zie foto",
        attachmentIds=[gid("Media", photo.id)],
    )
    attachments = result["data"]["startConversation"]["sentMessage"]["attachments"]
    assert attachments == [{"id": gid("Media", photo.id), "filename": "uitslag.jpg"}]


async def test_refusals_come_as_data_with_a_code(db, gql):
    # given a child in two groups, and one whose care ended last week
    t = await factories.tenant()
    token = await factories.token_for(t.parent)
    await factories.placement(t.sibling, t.babies)
    await Placement.filter(child_id=t.child.id).update(end_date=clock.today() - timedelta(days=7))
    cases = [
        ({"childId": gid("Child", t.other_child.id), "body": "x"}, None),
        ({"childId": gid("Child", t.sibling.id), "body": ""}, "EMPTY_MESSAGE"),
        ({"childId": gid("Child", t.sibling.id), "body": "x" * 4001}, "MESSAGE_TOO_LONG"),
        ({"childId": gid("Child", t.sibling.id), "body": "x"}, "GROUP_REQUIRED"),
        ({"childId": gid("Child", t.child.id), "body": "x"}, "NO_CURRENT_GROUP"),
        (
            {
                "childId": gid("Child", t.sibling.id),
                "body": "x",
                "groupId": gid("Group", t.bso.id),
                "attachmentIds": [gid("Media", 9)],
            },
            "MEDIA_NOT_FOUND",
        ),
    ]
    for fields, code in cases[1:]:
        payload = (await start(gql, token, **fields))["data"]["startConversation"]
        assert (payload["__typename"], payload["code"]) == ("Refused", code)
        assert payload["message"] and payload["messageEn"]
    # a child of someone else is not found at all
    result = await start(gql, token, **cases[0][0])
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_the_group_can_be_chosen(db, gql):
    t = await factories.tenant()
    token = await factories.token_for(t.parent)
    await factories.placement(t.sibling, t.babies)
    result = await start(
        gql, token, childId=gid("Child", t.sibling.id), body="x", groupId=gid("Group", t.babies.id)
    )
    assert result["data"]["startConversation"]["conversation"]["group"]["name"] == "Boompjes"


async def test_planners_and_anonymous_callers_are_refused(db, gql):
    t = await factories.tenant()
    planner = await factories.token_for(t.planner)
    fields = {"childId": gid("Child", t.child.id), "body": "x"}
    assert (await start(gql, planner, **fields))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    result = await gql(START, {"input": fields})
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_child_of_another_organisation_is_not_found(db, gql):
    t = await factories.tenant()
    other = await factories.tenant("zon")
    token = await factories.token_for(t.parent)
    result = await start(gql, token, childId=gid("Child", other.child.id), body="x")
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_a_malformed_id_is_bad_input(db, gql):
    t = await factories.tenant()
    token = await factories.token_for(t.parent)
    result = await start(gql, token, childId="not-an-id", body="x")
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
