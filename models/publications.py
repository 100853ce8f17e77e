"""What the organisation publishes: news, newsletters and per-parent documents."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index

from models.base import TimestampedModel


class NewsItem(TimestampedModel):
    id = fields.IntField(primary_key=True)
    organisation = fields.ForeignKeyField(
        "models.Organisation", related_name="news_items", on_delete=fields.CASCADE
    )
    location = fields.ForeignKeyField(
        "models.Location", related_name="news_items", null=True, on_delete=fields.CASCADE
    )
    author = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    title = fields.CharField(max_length=200)
    body = fields.TextField()
    published_at = fields.DatetimeField(null=True)
    withdrawn_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "news_item"
        indexes = (Index(fields=("organisation_id", "published_at")),)


class NewsAttachment(TimestampedModel):
    id = fields.IntField(primary_key=True)
    news_item = fields.ForeignKeyField(
        "models.NewsItem", related_name="attachments", on_delete=fields.CASCADE
    )
    media = fields.ForeignKeyField("models.MediaFile", related_name=False, on_delete=fields.CASCADE)

    class Meta:
        table = "news_attachment"
        indexes = (Index(fields=("news_item_id", "id")), Index(fields=("media_id",)))


class NewsRead(TimestampedModel):
    id = fields.IntField(primary_key=True)
    news_item = fields.ForeignKeyField(
        "models.NewsItem", related_name="reads", on_delete=fields.CASCADE
    )
    user = fields.ForeignKeyField("models.User", related_name=False, on_delete=fields.CASCADE)

    class Meta:
        table = "news_read"
        unique_together = (("news_item", "user"),)


class Newsletter(TimestampedModel):
    id = fields.IntField(primary_key=True)
    organisation = fields.ForeignKeyField(
        "models.Organisation", related_name="newsletters", on_delete=fields.CASCADE
    )
    location = fields.ForeignKeyField(
        "models.Location", related_name="newsletters", null=True, on_delete=fields.CASCADE
    )
    author = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    title = fields.CharField(max_length=200)
    html = fields.TextField()  # sanitised on write, with an allow-list
    published_at = fields.DatetimeField(null=True)
    withdrawn_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "newsletter"
        indexes = (Index(fields=("organisation_id", "published_at")),)


class NewsletterAttachment(TimestampedModel):
    id = fields.IntField(primary_key=True)
    newsletter = fields.ForeignKeyField(
        "models.Newsletter", related_name="attachments", on_delete=fields.CASCADE
    )
    media = fields.ForeignKeyField("models.MediaFile", related_name=False, on_delete=fields.CASCADE)

    class Meta:
        table = "newsletter_attachment"
        indexes = (Index(fields=("newsletter_id", "id")), Index(fields=("media_id",)))


class DocumentKind(StrEnum):
    INVOICE = "invoice"
    CONTRACT = "contract"
    ANNUAL_STATEMENT = "annual_statement"
    OTHER = "other"


class Document(TimestampedModel):
    id = fields.IntField(primary_key=True)
    organisation = fields.ForeignKeyField(
        "models.Organisation", related_name="documents", on_delete=fields.CASCADE
    )
    owner = fields.ForeignKeyField(
        "models.User", related_name="documents", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(DocumentKind, max_length=20)
    title = fields.CharField(max_length=200)
    media = fields.ForeignKeyField(
        "models.MediaFile", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    number = fields.CharField(max_length=50, default="")  # invoices
    period_start = fields.DateField(null=True)
    period_end = fields.DateField(null=True)
    amount_cents = fields.IntField(null=True)
    status = fields.CharField(max_length=20, default="")  # invoices: open, paid, overdue
    signed_on = fields.DateField(null=True)  # contracts
    year = fields.IntField(null=True)  # annual statements

    class Meta:
        table = "document"
        indexes = (
            Index(fields=("owner_id", "kind", "created_at")),
            Index(fields=("owner_id", "created_at")),
            Index(fields=("media_id",)),
        )
