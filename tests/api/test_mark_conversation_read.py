"""mutation markConversationRead"""

from __future__ import annotations

from tests import factories
from tests.messaging_samples import gid, send, start_conversation

MARK = """
mutation($id: ID!) {
  markConversationRead(conversationId: $id) {
    id unreadCount
    messages(first: 10) { edges { node { body isRead readByAll readBy { name role } } } }
  }
}"""


async def test_marking_read_resets_the_unread_count_and_shows_who_read(db, gql):
    # given two staff replies the parent has not read
    t = await factories.tenant()
    parent = await factories.token_for(t.parent)
    staff = await factories.token_for(t.staff)
    conversation = (await start_conversation(gql, parent, t.child.id, "Vraag"))["conversation"][
        "id"
    ]
    await send(gql, staff, conversation, "Antwoord 1")
    await send(gql, staff, conversation, "Antwoord 2")
    before = await gql(
        "query($id: ID!) { node(id: $id) { ... on Conversation { unreadCount } } }",
        {"id": conversation},
        token=parent,
    )
    assert before["data"]["node"]["unreadCount"] == 2
    # when
    result = await gql(MARK, {"id": conversation}, token=parent)
    # then
    marked = result["data"]["markConversationRead"]
    assert marked["unreadCount"] == 0
    newest = marked["messages"]["edges"][0]["node"]
    assert (newest["body"], newest["isRead"]) == ("Antwoord 2", True)
    # and staff see that the parent has read their answers
    seen_by_staff = await gql(MARK, {"id": conversation}, token=staff)
    answer = seen_by_staff["data"]["markConversationRead"]["messages"]["edges"][0]["node"]
    assert answer["readByAll"] is True
    assert [r["role"] for r in answer["readBy"]] == ["PARENT"]


async def test_read_by_all_waits_for_every_participant(db, gql):
    # given two staff members; one of them reads the parent's question
    t = await factories.tenant()
    colleague = await factories.user(t.org, t.staff.role)
    await factories.assign(colleague, t.babies)
    parent = await factories.token_for(t.parent)
    conversation = (await start_conversation(gql, parent, t.child.id, "Vraag"))["conversation"][
        "id"
    ]
    await gql(MARK, {"id": conversation}, token=await factories.token_for(t.staff))
    # when the parent looks
    result = await gql(MARK, {"id": conversation}, token=parent)
    # then
    question = result["data"]["markConversationRead"]["messages"]["edges"][0]["node"]
    assert question["readByAll"] is False
    assert [r["name"] for r in question["readBy"]] == [f"{t.staff.first_name} Jansen"]


async def test_someone_who_does_not_take_part_cannot_mark_it(db, gql):
    t = await factories.tenant()
    parent = await factories.token_for(t.parent)
    conversation = (await start_conversation(gql, parent, t.child.id))["conversation"]["id"]
    other = await factories.token_for(t.other_parent)
    result = await gql(MARK, {"id": conversation}, token=other)
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    result = await gql(MARK, {"id": gid("Conversation", 999)}, token=other)
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"
