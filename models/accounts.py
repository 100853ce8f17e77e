"""Accounts: sessions, login throttling, invitations, API tokens, notification settings."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index

from models.base import TimestampedModel


class Session(TimestampedModel):
    """An opaque bearer token, stored as its SHA-256, expiring and revocable."""

    id = fields.IntField(primary_key=True)
    user = fields.ForeignKeyField("models.User", related_name="sessions", on_delete=fields.CASCADE)
    token_hash = fields.CharField(max_length=64, unique=True)
    # The first characters of the token, shown in lists so an admin can tell tokens apart.
    prefix = fields.CharField(max_length=16, default="")
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    last_seen_at = fields.DatetimeField(null=True)
    client_address = fields.CharField(max_length=64, default="")
    user_agent = fields.CharField(max_length=255, default="")

    class Meta:
        table = "session"


class LoginAttempt(TimestampedModel):
    """A failed login, kept for throttling per account and per client address."""

    id = fields.IntField(primary_key=True)
    account_key = fields.CharField(max_length=320)  # "<slug>:<email>" (lowercase)
    client_address = fields.CharField(max_length=64)

    class Meta:
        table = "login_attempt"
        indexes = (
            Index(fields=("account_key", "created_at")),
            Index(fields=("client_address", "created_at")),
        )


class InvitationKind(StrEnum):
    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"


class Invitation(TimestampedModel):
    id = fields.IntField(primary_key=True)
    user = fields.ForeignKeyField(
        "models.User", related_name="invitations", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(InvitationKind, max_length=20)
    token_hash = fields.CharField(max_length=64, unique=True)
    # The first characters of the token, shown in lists so an admin can tell tokens apart.
    prefix = fields.CharField(max_length=16, default="")
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "invitation"


class ApiToken(TimestampedModel):
    id = fields.IntField(primary_key=True)
    organisation = fields.ForeignKeyField(
        "models.Organisation", related_name="api_tokens", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=100)
    publisher = fields.CharField(max_length=100, default="")
    scopes = fields.JSONField(default=list)
    token_hash = fields.CharField(max_length=64, unique=True)
    # The first characters of the token, shown in lists so an admin can tell tokens apart.
    prefix = fields.CharField(max_length=16, default="")
    expires_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)
    last_used_at = fields.DatetimeField(null=True)
    created_by = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "api_token"


class NotificationItem(StrEnum):
    MESSAGE = "message"
    DIARY = "diary"
    PHOTO = "photo"
    NEWS = "news"
    NEWSLETTER = "newsletter"
    REQUEST_DECISION = "request_decision"
    DOCUMENT = "document"


class NotificationSetting(TimestampedModel):
    """The choice of a user for one item type (absent rows mean the defaults)."""

    id = fields.IntField(primary_key=True)
    user = fields.ForeignKeyField(
        "models.User", related_name="notification_settings", on_delete=fields.CASCADE
    )
    item = fields.CharEnumField(NotificationItem, max_length=20)
    push = fields.BooleanField(default=True)
    email = fields.BooleanField(default=False)

    class Meta:
        table = "notification_setting"
        unique_together = (("user", "item"),)
