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
    # The audience (`EventAudience` rows) again, its topics sorted and separated by spaces, for
    # readers of whole batches (the live feed): one column instead of a lookup per event.
    # Empty or null: no audience (null only where added to a table holding events).
    audience_topics = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    published_at = fields.DatetimeField(null=True)

    class Meta:
        table = "event"
        indexes = (
            Index(fields=("topic", "id")),
            Index(fields=("published_at", "id")),
            Index(fields=("organisation_id", "id")),
        )


class EventAudience(Model):
    """A further topic an event is addressed to besides its own, e.g. child:7 or group:3.

    A message is recorded once on its conversation topic and is also addressed to the topics
    of its child and group, so that a subscriber of all their conversations finds it (live
    and on replay) without knowing the conversation in advance.
    """

    id = fields.BigIntField(primary_key=True)
    event = fields.ForeignKeyField(
        "models.Event", related_name="audience", on_delete=fields.CASCADE
    )
    topic = fields.CharField(max_length=64)

    class Meta:
        table = "event_audience"
        # (event_id): the live feed reads each event's audience by event.
        indexes = (Index(fields=("topic", "event_id")), Index(fields=("event_id",)))


class AccessEpoch(Model):
    """Per organisation, a number that changes whenever who may read what may have changed.

    Kept by database triggers (migration 0005), whatever writes the rows: a guardianship,
    placement or staff assignment written or deleted, a conversation moved to another child
    or group, the organisation's access window or time zone changed. It starts from a
    random value (a table emptied and filled again never repeats an old number) and grows
    by one per change. `services.message_audience` keeps readers per conversation while it
    stays the same. No model code writes it.
    """

    organisation_id = fields.IntField(primary_key=True, generated=False)
    n = fields.BigIntField()

    class Meta:
        table = "access_epoch"
