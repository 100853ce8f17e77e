"""Notification delivery: per recipient and channel, device subscriptions, child archives."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from models.base import TimestampedModel


class DeliveryChannel(StrEnum):
    EMAIL = "email"
    PUSH = "push"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    SKIPPED = "skipped"
    FAILED = "failed"


class NotificationDelivery(TimestampedModel):
    """One notification for one user over one channel, sent at most once.

    Rows for events are unique per event, user and channel, so a second worker or a crash
    never sends the same notification twice. Mails that are not about an event (invitations
    and password resets) have no event and carry their one-time link encrypted in `secret`,
    which is wiped once the mail went out. A worker claims a row by moving it to sending
    with an atomic conditional update, until `claimed_until`.
    """

    id = fields.BigIntField(primary_key=True)
    organisation = fields.ForeignKeyField(
        "models.Organisation", related_name=False, on_delete=fields.CASCADE
    )
    event = fields.ForeignKeyField(
        "models.Event", related_name=False, null=True, on_delete=fields.CASCADE
    )
    user = fields.ForeignKeyField("models.User", related_name=False, on_delete=fields.CASCADE)
    channel = fields.CharEnumField(DeliveryChannel, max_length=8)
    kind = fields.CharField(max_length=32)
    data = fields.JSONField(default=dict)
    secret = fields.TextField(default="")
    status = fields.CharEnumField(DeliveryStatus, max_length=8, default=DeliveryStatus.PENDING)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    claimed_until = fields.DatetimeField(null=True)
    last_error = fields.TextField(default="")
    sent_at = fields.DatetimeField(null=True)
    done_endpoints = fields.JSONField(default=list)

    class Meta:
        table = "notification_delivery"
        unique_together = (("event", "user", "channel"),)
        indexes = (
            Index(fields=("status", "next_attempt_at")),
            Index(fields=("user_id", "id")),
        )


class NotificationCursor(Model):
    """How far the notification worker has read the event log of one organisation."""

    id = fields.IntField(primary_key=True)
    organisation = fields.OneToOneField(
        "models.Organisation", related_name=False, on_delete=fields.CASCADE
    )
    last_event_id = fields.BigIntField(default=0)
    updated_at = fields.DatetimeField(null=True)

    class Meta:
        table = "notification_cursor"


class PushSubscription(TimestampedModel):
    """A browser or device subscription for Web Push (the PushSubscription of the client)."""

    id = fields.IntField(primary_key=True)
    user = fields.ForeignKeyField(
        "models.User", related_name="push_subscriptions", on_delete=fields.CASCADE
    )
    endpoint = fields.CharField(max_length=1000)
    endpoint_hash = fields.CharField(max_length=64, unique=True)
    p256dh = fields.CharField(max_length=200)
    auth = fields.CharField(max_length=100)
    user_agent = fields.CharField(max_length=255, default="")
    last_success_at = fields.DatetimeField(null=True)

    class Meta:
        table = "push_subscription"


class ArchiveStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ArchiveJob(TimestampedModel):
    """A ZIP with all data of one child, built in the background for a guardian."""

    id = fields.IntField(primary_key=True)
    organisation = fields.ForeignKeyField(
        "models.Organisation", related_name=False, on_delete=fields.CASCADE
    )
    child = fields.ForeignKeyField("models.Child", related_name=False, on_delete=fields.CASCADE)
    requested_by = fields.ForeignKeyField(
        "models.User", related_name=False, on_delete=fields.CASCADE
    )
    status = fields.CharEnumField(ArchiveStatus, max_length=8, default=ArchiveStatus.QUEUED)
    progress = fields.IntField(default=0)
    file_key = fields.CharField(max_length=255, null=True)
    size = fields.BigIntField(default=0)
    error = fields.TextField(default="")
    started_at = fields.DatetimeField(null=True)
    finished_at = fields.DatetimeField(null=True)
    expires_at = fields.DatetimeField(null=True)

    class Meta:
        table = "archive_job"
        indexes = (Index(fields=("requested_by_id", "id")),)
