"""Mutations for webhook endpoints (admins; others get FORBIDDEN)."""

from __future__ import annotations

import strawberry

from resolvers import webhooks as webhook_resolvers
from schema.context import Info
from schema.permissions import IsAuthenticated
from schema.types.webhooks import (
    CreateWebhookEndpointInput,
    CreateWebhookEndpointResult,
    RotateWebhookSecretResult,
    UpdateWebhookEndpointInput,
    UpdateWebhookEndpointResult,
    WebhookDelivery,
)


@strawberry.type
class WebhookMutations:
    @strawberry.mutation(
        permission_classes=[IsAuthenticated],
        description="Register an endpoint for chosen event types; it gets the events recorded "
        "from now on. The signing secret is in the answer, and only there. Refused: "
        "WEBHOOK_URL_INVALID, WEBHOOK_URL_NOT_HTTPS, WEBHOOK_URL_PRIVATE_HOST, "
        "EVENT_TYPES_REQUIRED, SCOPES_DO_NOT_COVER_EVENTS, TOO_MANY_WEBHOOK_ENDPOINTS, "
        "NAME_TOO_LONG.",
    )
    async def create_webhook_endpoint(
        self, info: Info, input: CreateWebhookEndpointInput
    ) -> CreateWebhookEndpointResult:
        return await webhook_resolvers.create_webhook_endpoint(info, input)

    @strawberry.mutation(
        permission_classes=[IsAuthenticated],
        description="Change an endpoint's name, address, event types, scopes, or switch it "
        "off and on (refused like createWebhookEndpoint).",
    )
    async def update_webhook_endpoint(
        self, info: Info, input: UpdateWebhookEndpointInput
    ) -> UpdateWebhookEndpointResult:
        return await webhook_resolvers.update_webhook_endpoint(info, input)

    @strawberry.mutation(
        permission_classes=[IsAuthenticated],
        description="Remove an endpoint and its log; false when there is no such endpoint in "
        "your organisation.",
    )
    async def delete_webhook_endpoint(self, info: Info, id: strawberry.ID) -> bool:
        return await webhook_resolvers.delete_webhook_endpoint(info, id)

    @strawberry.mutation(
        permission_classes=[IsAuthenticated],
        description="A new signing secret for an endpoint, shown once; the old one stops now.",
    )
    async def rotate_webhook_secret(
        self, info: Info, id: strawberry.ID
    ) -> RotateWebhookSecretResult:
        return await webhook_resolvers.rotate_webhook_secret(info, id)

    @strawberry.mutation(
        permission_classes=[IsAuthenticated],
        description="Send a delivered or failed event once more (a fresh series of attempts).",
    )
    async def redeliver_webhook_delivery(self, info: Info, id: strawberry.ID) -> WebhookDelivery:
        return await webhook_resolvers.redeliver_webhook_delivery(info, id)
