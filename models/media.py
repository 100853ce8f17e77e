"""Stored files (photos, videos, documents) and the timeline that shows them."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index

from models.base import TimestampedModel


class MediaKind(StrEnum):
    PHOTO = "photo"
    VIDEO = "video"
    DOCUMENT = "document"


class MediaStatus(StrEnum):
    PENDING = "pending"  # upload URL handed out, bytes not received yet
    READY = "ready"


class MediaFile(TimestampedModel):
    id = fields.IntField(primary_key=True)
    organisation = fields.ForeignKeyField(
        "models.Organisation", related_name="media", on_delete=fields.CASCADE
    )
    # Who uploaded it (informational; a plain id to keep users and media free of a cycle).
    uploaded_by_id = fields.IntField(null=True)
    kind = fields.CharEnumField(MediaKind, max_length=16)
    status = fields.CharEnumField(MediaStatus, max_length=16, default=MediaStatus.PENDING)
    content_type = fields.CharField(max_length=100, default="")
    filename = fields.CharField(max_length=255, default="")
    size = fields.BigIntField(default=0)
    width = fields.IntField(null=True)
    height = fields.IntField(null=True)
    storage_key = fields.CharField(max_length=255, unique=True)
    thumbnail_key = fields.CharField(max_length=255, null=True)

    class Meta:
        table = "media_file"


class TimelineKind(StrEnum):
    PHOTO_POST = "photo_post"
    DIARY = "diary"


class TimelineItem(TimestampedModel):
    """A post on the timeline of one or more children: a photo post, or a diary entry card."""

    id = fields.IntField(primary_key=True)
    organisation = fields.ForeignKeyField(
        "models.Organisation", related_name="timeline_items", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(TimelineKind, max_length=16)
    group = fields.ForeignKeyField(
        "models.Group", related_name="timeline_items", on_delete=fields.CASCADE
    )
    author = fields.ForeignKeyField(
        "models.User", related_name="timeline_items", null=True, on_delete=fields.SET_NULL
    )
    caption = fields.TextField(default="")
    diary_entry = fields.ForeignKeyField(
        "models.DiaryEntry", related_name="timeline_items", null=True, on_delete=fields.CASCADE
    )
    posted_at = fields.DatetimeField()

    class Meta:
        table = "timeline_item"


class TimelineItemChild(TimestampedModel):
    """Which children an item is about, a parent sees it only under their own child."""

    id = fields.IntField(primary_key=True)
    item = fields.ForeignKeyField(
        "models.TimelineItem", related_name="child_links", on_delete=fields.CASCADE
    )
    child = fields.ForeignKeyField(
        "models.Child", related_name="timeline_links", on_delete=fields.CASCADE
    )
    posted_at = (
        fields.DatetimeField()
    )  # copied from the item: the child's timeline is one index scan

    class Meta:
        table = "timeline_item_child"
        unique_together = (("item", "child"),)
        indexes = (Index(fields=("child_id", "posted_at", "item_id")),)


class TimelineMedia(TimestampedModel):
    id = fields.IntField(primary_key=True)
    item = fields.ForeignKeyField(
        "models.TimelineItem", related_name="media_links", on_delete=fields.CASCADE
    )
    media = fields.ForeignKeyField(
        "models.MediaFile", related_name="timeline_links", on_delete=fields.CASCADE
    )
    position = fields.IntField(default=0)

    class Meta:
        table = "timeline_media"
        indexes = (Index(fields=("item_id", "position")),)
