"""Mutations of notification settings and Web Push device subscriptions."""

from __future__ import annotations

import strawberry

from resolvers import notifications as resolvers
from schema.context import Info
from schema.permissions import IsAuthenticated
from schema.types.notifications import (
    NotificationSetting,
    NotificationSettingInput,
    PushSubscriptionInput,
    RegisterPushSubscriptionResult,
)


@strawberry.type
class NotificationMutations:
    @strawberry.mutation(
        permission_classes=[IsAuthenticated],
        description="Switch push and/or e-mail on or off for one item type.",
    )
    async def update_notification_setting(
        self, info: Info, input: NotificationSettingInput
    ) -> NotificationSetting:
        return await resolvers.update_setting(info, input)

    @strawberry.mutation(
        permission_classes=[IsAuthenticated],
        description="Receive Web Push on this device (the browser's PushSubscription, made with "
        "`vapidPublicKey` as applicationServerKey). Refusal: INVALID_PUSH_SUBSCRIPTION.",
    )
    async def register_push_subscription(
        self, info: Info, input: PushSubscriptionInput
    ) -> RegisterPushSubscriptionResult:
        return await resolvers.register_push(info, input)

    @strawberry.mutation(
        permission_classes=[IsAuthenticated],
        description="Stop Web Push to this endpoint; false when the viewer had no such device.",
    )
    async def remove_push_subscription(self, info: Info, endpoint: str) -> bool:
        return await resolvers.remove_push(info, endpoint)
