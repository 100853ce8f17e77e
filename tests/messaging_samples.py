"""GraphQL documents and small helpers shared by the messaging and live tests."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from schema.ids import to_global_id
from tests import factories
from tests.live import GraphQLSocket, Server

GQL = Callable[..., Awaitable[dict]]

START = """
mutation($input: StartConversationInput!) {
  startConversation(input: $input) {
    __typename
    ... on SendMessageSuccess {
      sentMessage { id body sentAt isMine author { name role } attachments { id filename } }
      conversation { id subject unreadCount child { firstName } group { name } }
    }
    ... on Refused { code message messageEn field }
  }
}"""

SEND = """
mutation($input: SendMessageInput!) {
  sendMessage(input: $input) {
    __typename
    ... on SendMessageSuccess {
      sentMessage { id body isMine isRead author { name role } attachments { id filename } }
      conversation { id unreadCount lastMessage { id } }
    }
    ... on Refused { code message messageEn field }
  }
}"""

MESSAGE_ADDED = """
subscription($conversationId: ID, $after: String) {
  messageAdded(conversationId: $conversationId, after: $after) {
    cursor
    node { id body author { name role } conversation { id } }
  }
}"""

EVENT_CURSOR = "{ viewer { eventCursor } }"


def gid(type_name: str, pk: int) -> str:
    return to_global_id(type_name, pk)


async def start_conversation(gql: GQL, token: str, child_id: int, body: str = "Hallo") -> dict:
    """Start one; the success payload (fails the test on a refusal or error)."""
    result = await gql(
        START, {"input": {"childId": gid("Child", child_id), "body": body}}, token=token
    )
    assert "errors" not in result, result
    payload = result["data"]["startConversation"]
    assert payload["__typename"] == "SendMessageSuccess", payload
    return payload


async def send(gql: GQL, token: str, conversation_id: str, body: str) -> dict:
    """Send one; the success payload (fails the test on a refusal or error)."""
    variables = {"input": {"conversationId": conversation_id, "body": body}}
    result = await gql(SEND, variables, token=token)
    assert "errors" not in result, result
    payload = result["data"]["sendMessage"]
    assert payload["__typename"] == "SendMessageSuccess", payload
    return payload


async def event_cursor(gql: GQL, token: str) -> str:
    result = await gql(EVENT_CURSOR, token=token)
    return result["data"]["viewer"]["eventCursor"]


@dataclass
class Hearing:
    """A parent on a live socket, subscribed to `messageAdded` for all their conversations:
    one about Sam (`t.child`) and one about Noor (`t.sibling`), both started by the parent."""

    client: GraphQLSocket
    op: str
    parent: str  # the parent's token
    sam: str  # conversation ids
    noor: str


async def parent_hearing_both_children(server: Server, t: Any) -> Hearing:
    parent = await factories.token_for(t.parent)
    sam = (await start_conversation(server.gql, parent, t.child.id))["conversation"]["id"]
    noor = (await start_conversation(server.gql, parent, t.sibling.id))["conversation"]["id"]
    after = await event_cursor(server.gql, parent)
    client = await GraphQLSocket.connect(server.ws_url, parent)
    op = await client.subscribe(MESSAGE_ADDED, {"after": after})
    return Hearing(client, op, parent, sam, noor)
