"""Mutations of conversations: start one, send a message, mark as read."""

from __future__ import annotations

import strawberry

from resolvers import conversations as resolvers
from schema.context import Info
from schema.permissions import IsAuthenticated
from schema.types.conversations import (
    Conversation,
    SendMessageInput,
    SendMessageResult,
    StartConversationInput,
)


@strawberry.type
class MessagingMutations:
    @strawberry.mutation(
        permission_classes=[IsAuthenticated],
        description="A parent with their child's group, or staff with the guardians of a child "
        "in their group: a new conversation with its first message. Refusals: EMPTY_MESSAGE, "
        "MESSAGE_TOO_LONG, NO_CURRENT_GROUP, GROUP_REQUIRED, GROUP_NOT_AVAILABLE, "
        "TOO_MANY_ATTACHMENTS, MEDIA_NOT_FOUND, MEDIA_NOT_READY, MEDIA_KIND_NOT_ALLOWED.",
    )
    async def start_conversation(
        self, info: Info, input: StartConversationInput
    ) -> SendMessageResult:
        return await resolvers.start_conversation(info, input)

    @strawberry.mutation(
        permission_classes=[IsAuthenticated],
        description="Reply in a conversation the viewer takes part in: every participant gets "
        "it live. Refusals: EMPTY_MESSAGE, MESSAGE_TOO_LONG, TOO_MANY_ATTACHMENTS, "
        "MEDIA_NOT_FOUND, MEDIA_NOT_READY, MEDIA_KIND_NOT_ALLOWED.",
    )
    async def send_message(self, info: Info, input: SendMessageInput) -> SendMessageResult:
        return await resolvers.send_message(info, input)

    @strawberry.mutation(
        permission_classes=[IsAuthenticated],
        description="Everything in the conversation so far counts as read by the viewer.",
    )
    async def mark_conversation_read(
        self, info: Info, conversation_id: strawberry.ID
    ) -> Conversation | None:
        return await resolvers.mark_conversation_read(info, str(conversation_id))
