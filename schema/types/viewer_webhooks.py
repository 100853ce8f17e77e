"""The viewer's webhook endpoints (admins; mixed into `Viewer`)."""

from __future__ import annotations

import strawberry

from resolvers import webhooks as webhook_resolvers
from schema.context import Info
from schema.permissions import IsAuthenticated
from schema.types.webhooks import WebhookEndpoint


@strawberry.type
class ViewerWebhookFields:
    @strawberry.field(
        permission_classes=[IsAuthenticated],
        description="The organisation's webhook endpoints with their delivery logs (admins "
        "only; others get FORBIDDEN).",
    )
    async def webhook_endpoints(self, info: Info) -> list[WebhookEndpoint]:
        return await webhook_resolvers.viewer_webhook_endpoints(info)
