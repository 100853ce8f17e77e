"""Conversations about one child with one group, their messages and read state."""

from __future__ import annotations

from tortoise import fields
from tortoise.indexes import Index

from models.base import TimestampedModel


class Conversation(TimestampedModel):
    id = fields.IntField(primary_key=True)
    organisation = fields.ForeignKeyField(
        "models.Organisation", related_name="conversations", on_delete=fields.CASCADE
    )
    child = fields.ForeignKeyField(
        "models.Child", related_name="conversations", on_delete=fields.CASCADE
    )
    group = fields.ForeignKeyField(
        "models.Group", related_name="conversations", on_delete=fields.CASCADE
    )
    subject = fields.CharField(max_length=200, default="")
    started_by = fields.ForeignKeyField(
        "models.User", related_name="started_conversations", null=True, on_delete=fields.SET_NULL
    )
    last_message_at = fields.DatetimeField()

    class Meta:
        table = "conversation"
        indexes = (
            Index(fields=("child_id", "last_message_at")),
            Index(fields=("group_id", "last_message_at")),
        )


class Message(TimestampedModel):
    id = fields.IntField(primary_key=True)
    conversation = fields.ForeignKeyField(
        "models.Conversation", related_name="messages", on_delete=fields.CASCADE
    )
    author = fields.ForeignKeyField(
        "models.User", related_name="messages", null=True, on_delete=fields.SET_NULL
    )
    body = fields.TextField()
    sent_at = fields.DatetimeField()

    class Meta:
        table = "message"
        indexes = (Index(fields=("conversation_id", "id")),)


class MessageAttachment(TimestampedModel):
    id = fields.IntField(primary_key=True)
    message = fields.ForeignKeyField(
        "models.Message", related_name="attachments", on_delete=fields.CASCADE
    )
    media = fields.ForeignKeyField(
        "models.MediaFile", related_name="message_links", on_delete=fields.CASCADE
    )

    class Meta:
        table = "message_attachment"
        # (message_id, id): a message's files in the order they were attached.
        indexes = (Index(fields=("message_id", "id")),)


class ConversationRead(TimestampedModel):
    """How far a user has read a conversation: every message up to `last_read_message_id`."""

    id = fields.IntField(primary_key=True)
    conversation = fields.ForeignKeyField(
        "models.Conversation", related_name="reads", on_delete=fields.CASCADE
    )
    user = fields.ForeignKeyField(
        "models.User", related_name="conversation_reads", on_delete=fields.CASCADE
    )
    last_read_message_id = fields.IntField(default=0)
    read_at = fields.DatetimeField()

    class Meta:
        table = "conversation_read"
        unique_together = (("conversation", "user"),)
