"""Notification settings and Web Push device subscriptions."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry

from models import NotificationItem as ItemModel
from schema.types.refusal import Refused


@strawberry.enum(description="What a notification is about.")
class NotificationItem(Enum):
    MESSAGE = "message"
    DIARY = "diary"
    PHOTO = "photo"
    NEWS = "news"
    NEWSLETTER = "newsletter"
    REQUEST_DECISION = "request_decision"
    DOCUMENT = "document"

    def to_model(self) -> ItemModel:
        return ItemModel(self.value)


@strawberry.type(description="The viewer's choice for one item type (or the default).")
class NotificationSetting:
    item: NotificationItem
    push: bool
    email: bool
    is_default: bool = strawberry.field(description="True while the viewer never chose.")


@strawberry.input
class NotificationSettingInput:
    item: NotificationItem
    push: bool | None = strawberry.field(default=None, description="Unchanged when left out.")
    email: bool | None = strawberry.field(default=None, description="Unchanged when left out.")


@strawberry.input
class PushSubscriptionInput:
    endpoint: str = strawberry.field(description="PushSubscription.endpoint of the browser.")
    p256dh: str = strawberry.field(description="keys.p256dh, base64url.")
    auth: str = strawberry.field(description="keys.auth, base64url.")


@strawberry.type
class PushSubscriptionRegistered:
    endpoint: str
    vapid_public_key: str


RegisterPushSubscriptionResult = Annotated[
    PushSubscriptionRegistered | Refused, strawberry.union("RegisterPushSubscriptionResult")
]
