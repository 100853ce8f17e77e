"""Diary day-reports, written by staff of diary-keeping groups and by parents."""

from __future__ import annotations

from tortoise import fields
from tortoise.indexes import Index

from models.base import TimestampedModel


class DiaryEntry(TimestampedModel):
    """The report of one author about one child on one day.

    `details` holds the optional structured parts: {"meals": [{"time", "what", "amount"}],
    "sleeps": [{"start", "end"}], "nappies": [{"time", "kind"}], "mood": "…",
    "activities": [...]}.
    """

    id = fields.IntField(primary_key=True)
    organisation = fields.ForeignKeyField(
        "models.Organisation", related_name="diary_entries", on_delete=fields.CASCADE
    )
    child = fields.ForeignKeyField(
        "models.Child", related_name="diary_entries", on_delete=fields.CASCADE
    )
    group = fields.ForeignKeyField(
        "models.Group", related_name="diary_entries", on_delete=fields.CASCADE
    )
    author = fields.ForeignKeyField(
        "models.User", related_name="diary_entries", null=True, on_delete=fields.SET_NULL
    )
    date = fields.DateField()
    text = fields.TextField(default="")
    details = fields.JSONField(default=dict)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "diary_entry"
        indexes = (Index(fields=("child_id", "date")),)


class DiaryMedia(TimestampedModel):
    id = fields.IntField(primary_key=True)
    entry = fields.ForeignKeyField(
        "models.DiaryEntry", related_name="media_links", on_delete=fields.CASCADE
    )
    media = fields.ForeignKeyField(
        "models.MediaFile", related_name="diary_links", on_delete=fields.CASCADE
    )
    position = fields.IntField(default=0)

    class Meta:
        table = "diary_media"
