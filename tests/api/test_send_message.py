"""mutation sendMessage"""

from __future__ import annotations

from datetime import timedelta

from models import StaffAssignment
from services import clock
from tests import factories
from tests.messaging_samples import SEND, gid, start_conversation


async def send(gql, token: str, conversation_id: str, body: str, **extra) -> dict:
    variables = {"input": {"conversationId": conversation_id, "body": body, **extra}}
    return await gql(SEND, variables, token=token)


async def test_every_staff_member_of_the_group_can_answer(db, gql):
    # given a parent's conversation and a second staff member of the group
    t = await factories.tenant()
    colleague = await factories.user(t.org, t.staff.role)
    await factories.assign(colleague, t.babies)
    parent = await factories.token_for(t.parent)
    started = await start_conversation(gql, parent, t.child.id, "Vraag")
    conversation = started["conversation"]["id"]
    # when both answer
    for user in (t.staff, colleague):
        token = await factories.token_for(user)
        result = await send(gql, token, conversation, f"Antwoord van {user.first_name}")
        payload = result["data"]["sendMessage"]
        assert payload["__typename"] == "SendMessageSuccess"
        assert payload["sentMessage"]["author"]["role"] == "STAFF"
    # then the parent has two unread messages
    again = await send(gql, parent, conversation, "Dank jullie")
    assert again["data"]["sendMessage"]["conversation"]["unreadCount"] == 0  # read by replying


async def test_refusals_for_empty_and_oversized_bodies(db, gql):
    t = await factories.tenant()
    parent = await factories.token_for(t.parent)
    conversation = (await start_conversation(gql, parent, t.child.id))["conversation"]["id"]
    for body, code in (("   ", "EMPTY_MESSAGE"), ("y" * 4001, "MESSAGE_TOO_LONG")):
        payload = (await send(gql, parent, conversation, body))["data"]["sendMessage"]
        assert (payload["__typename"], payload["code"], payload["field"]) == (
            "Refused",
            code,
            "body",
        )


async def test_attachments_that_are_not_yours_are_refused(db, gql):
    t = await factories.tenant()
    parent = await factories.token_for(t.parent)
    conversation = (await start_conversation(gql, parent, t.child.id))["conversation"]["id"]
    result = await send(gql, parent, conversation, "foto", attachmentIds=[gid("Media", 12345)])
    assert result["data"]["sendMessage"]["code"] == "MEDIA_NOT_FOUND"


async def test_someone_who_does_not_take_part_is_forbidden(db, gql):
    # given a conversation of a parent with the baby group
    t = await factories.tenant()
    parent = await factories.token_for(t.parent)
    conversation = (await start_conversation(gql, parent, t.child.id))["conversation"]["id"]
    # when another parent, BSO staff, a planner, and staff who left the group try to write
    await StaffAssignment.filter(user_id=t.staff.id).update(
        end_date=clock.today() - timedelta(days=1)
    )
    for user in (t.other_parent, t.bso_staff, t.planner, t.staff):
        token = await factories.token_for(user)
        result = await send(gql, token, conversation, "Ik ook")
        # then
        assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN", user.email


async def test_a_conversation_of_another_organisation_is_not_found(db, gql):
    t = await factories.tenant()
    other = await factories.tenant("zon")
    theirs = await start_conversation(gql, await factories.token_for(other.parent), other.child.id)
    token = await factories.token_for(t.parent)
    result = await send(gql, token, theirs["conversation"]["id"], "Hallo?")
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_anonymous_callers_are_refused(db, gql):
    result = await gql(SEND, {"input": {"conversationId": gid("Conversation", 1), "body": "x"}})
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
