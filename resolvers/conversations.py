"""Conversations and messages: lists, nodes and the three mutations."""

from __future__ import annotations

from datetime import datetime

from graphql import GraphQLError

from resolvers.node import node_fetcher
from schema.context import Info
from schema.errors import bad_input, forbidden, not_found, unauthenticated
from schema.ids import pk_of
from schema.relay import Connection, connection, decode_cursor, page_size
from schema.types.conversations import (
    Conversation,
    Message,
    SendMessageInput,
    SendMessageResult,
    SendMessageSuccess,
    StartConversationInput,
)
from schema.types.refusal import Refused
from services import conversations, messaging
from services.errors import AccessDenied, RefusedError
from services.principal import Principal
from subscriptions import hub


def _principal(info: Info) -> Principal:
    principal = info.context.principal
    if principal is None:
        raise unauthenticated()
    return principal


def _denied(denied: AccessDenied) -> GraphQLError:
    return not_found() if denied.code == "NOT_FOUND" else forbidden()


def _invalid_cursor() -> GraphQLError:
    return bad_input("INVALID_CURSOR", "Ongeldige cursor.", "Invalid cursor.")


def _position(after: str | None) -> conversations.Position | None:
    if not after:
        return None
    moment, _, raw = decode_cursor(after).partition("|")
    try:
        at, pk = datetime.fromisoformat(moment), int(raw)
    except ValueError:
        raise _invalid_cursor() from None
    if at.tzinfo is None:
        raise _invalid_cursor()
    return conversations.Position(at, pk)


async def viewer_conversations(
    info: Info, first: int | None, after: str | None
) -> Connection[Conversation]:
    """Most recent activity first (keyset on last message time and id)."""
    principal = _principal(info)
    rows, has_next = await conversations.conversations_page(
        principal, page_size(first), _position(after)
    )
    return connection(
        [Conversation.from_model(c) for c in rows],
        lambda c: f"{c.last_message_at.isoformat()}|{c.pk}",
        has_next,
    )


async def conversation_messages(
    info: Info, conversation_pk: int, first: int | None, after: str | None
) -> Connection[Message]:
    """Newest first; `after` continues with older messages."""
    before = None
    if after:
        raw = decode_cursor(after)
        if not raw.isdigit():
            raise _invalid_cursor()
        before = int(raw)
    rows, has_next = await conversations.messages_page(conversation_pk, page_size(first), before)
    return connection([Message.from_model(m) for m in rows], lambda m: str(m.pk), has_next)


@node_fetcher("Conversation")
async def conversation_node(info: Info, pk: int) -> Conversation | None:
    try:
        row = await conversations.visible_conversation(_principal(info), pk)
    except AccessDenied:
        return None
    return Conversation.from_model(row)


@node_fetcher("Message")
async def message_node(info: Info, pk: int) -> Message | None:
    row = await conversations.visible_message(_principal(info), pk)
    return Message.from_model(row) if row else None


def _media_pks(ids: list | None) -> list[int]:
    return [pk_of(str(i), "Media") for i in ids or []]


def _sent(message) -> SendMessageSuccess:  # type: ignore[no-untyped-def]
    return SendMessageSuccess(
        sent_message=Message.from_model(message),
        conversation=Conversation.from_model(message.conversation),
    )


async def start_conversation(info: Info, input: StartConversationInput) -> SendMessageResult:
    principal = _principal(info)
    group_pk = pk_of(str(input.group_id), "Group") if input.group_id else None
    try:
        message = await messaging.start_conversation(
            principal,
            child_id=pk_of(str(input.child_id), "Child"),
            body=input.body,
            attachment_ids=_media_pks(input.attachment_ids),
            group_id=group_pk,
            subject=input.subject or "",
            publisher=hub.publisher(),
        )
    except RefusedError as refused:
        return Refused.of(refused.refusal, info.context.locale)
    except AccessDenied as denied:
        raise _denied(denied) from None
    return _sent(message)


async def send_message(info: Info, input: SendMessageInput) -> SendMessageResult:
    principal = _principal(info)
    try:
        message = await messaging.send_message(
            principal,
            conversation_id=pk_of(str(input.conversation_id), "Conversation"),
            body=input.body,
            attachment_ids=_media_pks(input.attachment_ids),
            publisher=hub.publisher(),
        )
    except RefusedError as refused:
        return Refused.of(refused.refusal, info.context.locale)
    except AccessDenied as denied:
        raise _denied(denied) from None
    return _sent(message)


async def mark_conversation_read(info: Info, conversation_id: str) -> Conversation:
    principal = _principal(info)
    try:
        row = await messaging.mark_read(principal, pk_of(conversation_id, "Conversation"))
    except AccessDenied as denied:
        raise _denied(denied) from None
    return Conversation.from_model(row)
