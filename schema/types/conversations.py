"""Conversations between a child's guardians and the staff of a group, and their messages."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from models import Conversation as ConversationModel
from models import MediaStatus
from models import Message as MessageModel
from models import User as UserModel
from schema.context import Info
from schema.ids import to_global_id
from schema.relay import Connection, Node
from schema.types.account import Role
from schema.types.children import Child
from schema.types.groups import Group
from schema.types.media import Media
from schema.types.refusal import Refused


@strawberry.type(description="Someone taking part in a conversation: name and role.")
class Participant:
    pk: strawberry.Private[int]
    first_name: str
    last_name: str
    role: Role

    @classmethod
    def from_model(cls, user: UserModel) -> Participant:
        return cls(pk=user.id, first_name=user.first_name, last_name=user.last_name, role=user.role)

    @strawberry.field
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @strawberry.field(description="True for the viewer themselves.")
    def is_viewer(self, info: Info) -> bool:
        principal = info.context.principal
        return principal is not None and principal.user_id == self.pk


async def _participants(info: Info, user_ids: list[int]) -> list[Participant]:
    users = await info.context.loaders.user_by_id.load_many(user_ids)
    found = [Participant.from_model(u) for u in users if u is not None]
    return sorted(found, key=lambda p: (p.role != Role.STAFF, p.last_name, p.first_name, p.pk))


@strawberry.type(description="A message in a conversation: plain text with optional files.")
class Message(Node):
    pk: strawberry.Private[int]
    conversation_pk: strawberry.Private[int]
    author_pk: strawberry.Private[int | None]
    body: str
    sent_at: datetime
    # What a live delivery loaded with the message (services.message_audience.MessageAudience:
    # its author and conversation), read by the delivery's projection (`resolvers.live`).
    delivered: strawberry.Private[object] = None

    @classmethod
    def from_model(cls, message: MessageModel) -> Message:
        return cls(
            id=strawberry.ID(to_global_id("Message", message.id)),
            pk=message.id,
            conversation_pk=message.conversation_id,  # type: ignore[attr-defined]
            author_pk=message.author_id,  # type: ignore[attr-defined]
            body=message.body,
            sent_at=message.sent_at,
        )

    @strawberry.field(description="Null when the author's account was removed.")
    async def author(self, info: Info) -> Participant | None:
        if self.author_pk is None:
            return None
        user = await info.context.loaders.user_by_id.load(self.author_pk)
        return Participant.from_model(user) if user else None

    @strawberry.field(description="True when the viewer wrote it.")
    def is_mine(self, info: Info) -> bool:
        principal = info.context.principal
        return principal is not None and principal.user_id == self.author_pk

    @strawberry.field(description="Whether the viewer has read it (their own messages are).")
    async def is_read(self, info: Info) -> bool:
        if self.is_mine(info):
            return True
        marker = await info.context.loaders.messaging.read_marker_by_conversation.load(
            self.conversation_pk
        )
        return self.pk <= marker

    @strawberry.field(description="The other participants (not the author) who have read it.")
    async def read_by(self, info: Info) -> list[Participant]:
        messaging = info.context.loaders.messaging
        markers = await messaging.read_markers_by_conversation.load(self.conversation_pk)
        present = await messaging.participant_ids_by_conversation.load(self.conversation_pk)
        readers = [u for u in present if u != self.author_pk and markers.get(u, 0) >= self.pk]
        return await _participants(info, readers)

    @strawberry.field(description="True when every other current participant has read it.")
    async def read_by_all(self, info: Info) -> bool:
        messaging = info.context.loaders.messaging
        markers = await messaging.read_markers_by_conversation.load(self.conversation_pk)
        present = await messaging.participant_ids_by_conversation.load(self.conversation_pk)
        return all(markers.get(u, 0) >= self.pk for u in present if u != self.author_pk)

    @strawberry.field
    async def attachments(self, info: Info) -> list[Media]:
        files = await info.context.loaders.messaging.attachments_by_message.load(self.pk)
        return [Media.from_model(f) for f in files if f.status == MediaStatus.READY]

    @strawberry.field
    async def conversation(self, info: Info) -> Conversation:
        row = await info.context.loaders.messaging.conversation_by_id.load(self.conversation_pk)
        assert row is not None  # reached through the message, which was authorised
        return Conversation.from_model(row)


@strawberry.type(
    description="A conversation about one child with one group: the child's guardians and "
    "the group's current staff take part."
)
class Conversation(Node):
    pk: strawberry.Private[int]
    child_pk: strawberry.Private[int]
    group_pk: strawberry.Private[int]
    subject: str
    started_at: datetime
    last_message_at: datetime

    @classmethod
    def from_model(cls, conversation: ConversationModel) -> Conversation:
        return cls(
            id=strawberry.ID(to_global_id("Conversation", conversation.id)),
            pk=conversation.id,
            child_pk=conversation.child_id,  # type: ignore[attr-defined]
            group_pk=conversation.group_id,  # type: ignore[attr-defined]
            subject=conversation.subject,
            started_at=conversation.created_at,
            last_message_at=conversation.last_message_at,
        )

    @strawberry.field(description="The child the conversation is about.")
    async def child(self, info: Info) -> Child:
        child = await info.context.loaders.child_by_id.load(self.child_pk)
        return Child.from_model(child)

    @strawberry.field(description="The group the conversation is with.")
    async def group(self, info: Info) -> Group:
        return Group.from_model(await info.context.loaders.group_by_id.load(self.group_pk))

    @strawberry.field
    async def last_message(self, info: Info) -> Message | None:
        row = await info.context.loaders.messaging.last_message_by_conversation.load(self.pk)
        return Message.from_model(row) if row else None

    @strawberry.field(description="Messages of others the viewer has not read yet.")
    async def unread_count(self, info: Info) -> int:
        return await info.context.loaders.messaging.unread_count_by_conversation.load(self.pk)

    @strawberry.field(description="The guardians and the group's current staff.")
    async def participants(self, info: Info) -> list[Participant]:
        ids = await info.context.loaders.messaging.participant_ids_by_conversation.load(self.pk)
        return await _participants(info, sorted(ids))

    @strawberry.field(
        description="Newest first: the first page is the latest messages, `after` pages back "
        "into the history."
    )
    async def messages(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Message]:
        from resolvers.conversations import conversation_messages

        return await conversation_messages(info, self.pk, first, after)


@strawberry.input
class StartConversationInput:
    child_id: strawberry.ID
    body: str = strawberry.field(description="Plain text, at most 4000 characters.")
    attachment_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Media ids from `createUpload`, uploaded by the viewer."
    )
    group_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only needed when the child is in more than one group."
    )
    subject: str | None = None


@strawberry.input
class SendMessageInput:
    conversation_id: strawberry.ID
    body: str = strawberry.field(description="Plain text, at most 4000 characters.")
    attachment_ids: list[strawberry.ID] | None = None


@strawberry.type(description="The message was sent.")
class SendMessageSuccess:
    sent_message: Message
    conversation: Conversation


SendMessageResult = Annotated[SendMessageSuccess | Refused, strawberry.union("SendMessageResult")]

__all__ = [
    "Conversation",
    "Message",
    "Participant",
    "SendMessageInput",
    "SendMessageResult",
    "SendMessageSuccess",
    "StartConversationInput",
]
