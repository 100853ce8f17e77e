"""The event table (outbox): written in the same transaction as the change it records."""

from __future__ import annotations

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model


class Event(Model):
    """An append-only record of something that happened.

    `topic` says who may be interested ("conversation:12", "child:7", "user:3") and `payload`
    carries ids only. The id is the resume cursor of live subscriptions, and `published_at`
    is set once the event has been broadcast. (No semicolons here: Tortoise puts model
    docstrings into SQL comments and splits statements on them.)
    """

    id = fields.BigIntField(primary_key=True)
    organisation = fields.ForeignKeyField(
        "models.Organisation", related_name="events", on_delete=fields.CASCADE
    )
    type = fields.CharField(max_length=64)
    topic = fields.CharField(max_length=64)
    payload = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)
    published_at = fields.DatetimeField(null=True)

    class Meta:
        table = "event"
        indexes = (
            Index(fields=("topic", "id")),
            Index(fields=("published_at", "id")),
        )
