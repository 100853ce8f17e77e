"""Notification settings and push subscriptions: map service outcomes to GraphQL."""

from __future__ import annotations

from schema.context import Info
from schema.errors import unauthenticated
from schema.types.notifications import (
    NotificationItem,
    NotificationSetting,
    NotificationSettingInput,
    PushSubscriptionInput,
    PushSubscriptionRegistered,
    RegisterPushSubscriptionResult,
)
from schema.types.refusal import Refused
from services.errors import RefusedError
from services.notifications import devices, push
from services.notifications import settings as notification_settings
from services.principal import Principal


def _principal(info: Info) -> Principal:
    if info.context.principal is None:
        raise unauthenticated()
    return info.context.principal


def _setting(choice: notification_settings.Choice) -> NotificationSetting:
    return NotificationSetting(
        item=NotificationItem(choice.item.value),
        push=choice.push,
        email=choice.email,
        is_default=choice.is_default,
    )


async def viewer_settings(info: Info) -> list[NotificationSetting]:
    return [_setting(c) for c in await notification_settings.settings_of(_principal(info))]


async def update_setting(info: Info, data: NotificationSettingInput) -> NotificationSetting:
    choice = await notification_settings.update(
        _principal(info), data.item.to_model(), push=data.push, email=data.email
    )
    return _setting(choice)


async def register_push(info: Info, data: PushSubscriptionInput) -> RegisterPushSubscriptionResult:
    request = info.context.request
    try:
        row = await devices.register(
            _principal(info),
            endpoint=data.endpoint,
            p256dh=data.p256dh,
            auth=data.auth,
            user_agent=request.headers.get("user-agent", "") if request else "",
        )
    except RefusedError as refused:
        return Refused.of(refused.refusal, info.context.locale)
    return PushSubscriptionRegistered(endpoint=row.endpoint, vapid_public_key=push.public_key())


async def remove_push(info: Info, endpoint: str) -> bool:
    return await devices.remove(_principal(info), endpoint)


def vapid_public_key() -> str:
    return push.public_key()
