"""Third-party integrations: registered queries for API tokens, webhook endpoints and their
delivery log. (API tokens themselves live in models.accounts.)"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from models.base import TimestampedModel


class RegisteredQuery(TimestampedModel):
    """A query document an organisation allows its API tokens to run (by its SHA-256 hash)."""

    id = fields.IntField(primary_key=True)
    organisation = fields.ForeignKeyField(
        "models.Organisation", related_name=False, on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=100, default="")
    sha256 = fields.CharField(max_length=64)
    document = fields.TextField()
    created_by = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "registered_query"
        unique_together = (("organisation", "sha256"),)


class WebhookEndpoint(TimestampedModel):
    """An HTTPS endpoint an admin registered for chosen event types.

    The signing secret is kept encrypted with a key derived from SECRET_KEY and shown to the
    admin only once, when the endpoint is created.
    """

    id = fields.IntField(primary_key=True)
    organisation = fields.ForeignKeyField(
        "models.Organisation", related_name=False, on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=100, default="")
    url = fields.CharField(max_length=2000)
    event_types = fields.JSONField(default=list)
    scopes = fields.JSONField(default=list)
    secret = fields.TextField()
    # The first event this endpoint may receive: nothing from before it was registered.
    start_after_event_id = fields.BigIntField(default=0)
    disabled_at = fields.DatetimeField(null=True)
    created_by = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "webhook_endpoint"


class WebhookDeliveryStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    DELIVERED = "delivered"
    FAILED = "failed"


class WebhookDelivery(TimestampedModel):
    """One event for one endpoint: the delivery log, with retries and backoff."""

    id = fields.BigIntField(primary_key=True)
    organisation = fields.ForeignKeyField(
        "models.Organisation", related_name=False, on_delete=fields.CASCADE
    )
    endpoint = fields.ForeignKeyField(
        "models.WebhookEndpoint", related_name="deliveries", on_delete=fields.CASCADE
    )
    event = fields.ForeignKeyField("models.Event", related_name=False, on_delete=fields.CASCADE)
    event_type = fields.CharField(max_length=64)
    status = fields.CharEnumField(
        WebhookDeliveryStatus, max_length=10, default=WebhookDeliveryStatus.PENDING
    )
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    claimed_until = fields.DatetimeField(null=True)
    last_status_code = fields.IntField(null=True)
    last_error = fields.TextField(default="")
    last_duration_ms = fields.IntField(null=True)
    delivered_at = fields.DatetimeField(null=True)

    class Meta:
        table = "webhook_delivery"
        unique_together = (("endpoint", "event"),)
        indexes = (
            Index(fields=("status", "next_attempt_at")),
            Index(fields=("endpoint_id", "id")),
        )


class WebhookCursor(Model):
    """How far the webhook worker has read the event log of one organisation."""

    id = fields.IntField(primary_key=True)
    organisation = fields.OneToOneField(
        "models.Organisation", related_name=False, on_delete=fields.CASCADE
    )
    last_event_id = fields.BigIntField(default=0)
    updated_at = fields.DatetimeField(null=True)

    class Meta:
        table = "webhook_cursor"
