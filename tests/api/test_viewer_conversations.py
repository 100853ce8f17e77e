"""query viewer { conversations } and a conversation's messages"""

from __future__ import annotations

from tests import factories
from tests.messaging_samples import gid, send, start_conversation
from tests.sql_counter import count_sql

LIST = """
query($first: Int, $after: String) {
  viewer {
    conversations(first: $first, after: $after) {
      edges { cursor node {
        id unreadCount child { firstName } group { name }
        lastMessage { body author { name role } }
        participants { role }
      } }
      pageInfo { hasNextPage endCursor }
    }
  }
}"""

MESSAGES = """
query($id: ID!, $first: Int, $after: String) {
  node(id: $id) { ... on Conversation {
    messages(first: $first, after: $after) {
      edges { cursor node { body isMine isRead sentAt author { role } attachments { id } } }
      pageInfo { hasNextPage endCursor }
    }
  } }
}"""


def edges(result: dict) -> list[dict]:
    return [e["node"] for e in result["data"]["viewer"]["conversations"]["edges"]]


async def test_a_parent_sees_their_conversations_with_the_latest_activity_first(db, gql):
    # given conversations about both children; staff answer the first one last
    t = await factories.tenant()
    parent = await factories.token_for(t.parent)
    staff = await factories.token_for(t.staff)
    sam = await start_conversation(gql, parent, t.child.id, "Over Sam")
    await start_conversation(gql, parent, t.sibling.id, "Over Noor")
    await send(gql, staff, sam["conversation"]["id"], "Sam is blij")
    # when
    result = await gql(LIST, token=parent)
    # then
    first, second = edges(result)
    assert first["child"]["firstName"] == "Sam"
    assert first["lastMessage"]["body"] == "Sam is blij"
    assert first["lastMessage"]["author"]["role"] == "STAFF"
    assert first["unreadCount"] == 1
    assert sorted(p["role"] for p in first["participants"]) == ["PARENT", "STAFF"]
    assert (second["child"]["firstName"], second["group"]["name"]) == ("Noor", "BSO Klavertje")
    assert second["unreadCount"] == 0


async def test_staff_see_the_conversations_of_their_group_only(db, gql):
    t = await factories.tenant()
    await start_conversation(gql, await factories.token_for(t.parent), t.child.id, "Sam")
    await start_conversation(gql, await factories.token_for(t.parent), t.sibling.id, "Noor")
    result = await gql(LIST, token=await factories.token_for(t.staff))
    assert [c["child"]["firstName"] for c in edges(result)] == ["Sam"]
    assert edges(await gql(LIST, token=await factories.token_for(t.other_parent))) == []
    assert edges(await gql(LIST, token=await factories.token_for(t.planner))) == []


async def test_the_list_pages_with_cursors(db, gql):
    t = await factories.tenant()
    parent = await factories.token_for(t.parent)
    for n in range(5):
        await start_conversation(gql, parent, t.child.id, f"gesprek {n}")
    first = await gql(LIST, {"first": 3}, token=parent)
    page = first["data"]["viewer"]["conversations"]
    rest = await gql(LIST, {"first": 3, "after": page["pageInfo"]["endCursor"]}, token=parent)
    bodies = [c["lastMessage"]["body"] for c in edges(first) + edges(rest)]
    assert bodies == [f"gesprek {n}" for n in (4, 3, 2, 1, 0)]
    assert page["pageInfo"]["hasNextPage"] is True
    assert rest["data"]["viewer"]["conversations"]["pageInfo"]["hasNextPage"] is False
    bad = await gql(LIST, {"after": "bm9wZQ"}, token=parent)
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_the_list_costs_the_same_number_of_queries_for_one_or_many(db, gql):
    # given a parent with one conversation, then with twelve (with replies)
    t = await factories.tenant()
    parent = await factories.token_for(t.parent)
    staff = await factories.token_for(t.staff)
    started = await start_conversation(gql, parent, t.child.id)
    await send(gql, staff, started["conversation"]["id"], "antwoord")
    with count_sql() as one:
        await gql(LIST, token=parent)
    for n in range(11):
        more = await start_conversation(gql, parent, t.child.id, f"vraag {n}")
        await send(gql, staff, more["conversation"]["id"], f"antwoord {n}")
    # when
    with count_sql() as many:
        result = await gql(LIST, token=parent)
    # then
    assert len(edges(result)) == 12
    assert many.count == one.count, str(many)


async def test_messages_are_newest_first_and_page_back_into_history(db, gql):
    t = await factories.tenant()
    parent = await factories.token_for(t.parent)
    staff = await factories.token_for(t.staff)
    conversation = (await start_conversation(gql, parent, t.child.id, "0"))["conversation"]["id"]
    for n in range(1, 5):
        await send(gql, parent if n % 2 else staff, conversation, str(n))
    first = await gql(MESSAGES, {"id": conversation, "first": 3}, token=parent)
    page = first["data"]["node"]["messages"]
    older = await gql(
        MESSAGES, {"id": conversation, "after": page["pageInfo"]["endCursor"]}, token=parent
    )
    nodes = [e["node"] for e in page["edges"] + older["data"]["node"]["messages"]["edges"]]
    assert [m["body"] for m in nodes] == ["4", "3", "2", "1", "0"]
    assert [m["isMine"] for m in nodes] == [False, True, False, True, True]
    # the parent's reply "3" marked everything before it as read; "4" came after
    assert [m["isRead"] for m in nodes] == [False, True, True, True, True]


async def test_a_conversation_of_someone_else_is_not_visible_through_node(db, gql):
    t = await factories.tenant()
    conversation = (await start_conversation(gql, await factories.token_for(t.parent), t.child.id))[
        "conversation"
    ]["id"]
    for user in (t.other_parent, t.bso_staff, t.planner):
        result = await gql(MESSAGES, {"id": conversation}, token=await factories.token_for(user))
        assert result["data"]["node"] is None
    message = gid("Message", 1)
    query = "query($id: ID!) { node(id: $id) { ... on Message { body } } }"
    mine = await gql(query, {"id": message}, token=await factories.token_for(t.parent))
    theirs = await gql(query, {"id": message}, token=await factories.token_for(t.other_parent))
    assert mine["data"]["node"] == {"body": "Hallo"}
    assert theirs["data"]["node"] is None
