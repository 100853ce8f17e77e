"""Webhook endpoints (admins), their delivery log, and the mutations' inputs and results."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry

from models import WebhookDelivery as DeliveryModel
from models import WebhookEndpoint as EndpointModel
from schema.context import Info
from schema.ids import to_global_id
from schema.relay import Connection, Node
from schema.types.refusal import Refused
from schema.types.scopes import ApiScope


@strawberry.enum(description="An event a webhook endpoint can receive (and the scope it needs).")
class WebhookEventType(Enum):
    DAY_REQUEST_CREATED = "day_request.created"
    DAY_REQUEST_DECIDED = "day_request.decided"
    DAY_REQUEST_EXPIRED = "day_request.expired"
    ABSENCE_REPORTED = "absence.reported"
    NEWS_PUBLISHED = "news.published"


@strawberry.enum(description="Where a delivery stands.")
class WebhookDeliveryStatus(Enum):
    PENDING = "pending"
    SENDING = "sending"
    DELIVERED = "delivered"
    FAILED = "failed"


@strawberry.type(description="One event for one endpoint, with its attempts.")
class WebhookDelivery(Node):
    pk: strawberry.Private[int]
    event_id: str = strawberry.field(description="Sent as `Ouderlink-Event-Id` and `id`.")
    event_type: WebhookEventType
    status: WebhookDeliveryStatus
    attempts: int
    last_status_code: int | None = strawberry.field(
        description="The HTTP status of the last attempt; null when no answer came."
    )
    last_error: str = strawberry.field(
        description="What went wrong at the last failed attempt (kept after a later success)."
    )
    duration_ms: int | None = strawberry.field(description="How long the last attempt took.")
    next_attempt_at: datetime | None = strawberry.field(description="While pending.")
    created_at: datetime
    delivered_at: datetime | None

    @classmethod
    def from_model(cls, row: DeliveryModel) -> WebhookDelivery:
        pending = row.status.value == "pending"
        return cls(
            id=strawberry.ID(to_global_id("WebhookDelivery", row.id)),
            pk=row.id,
            event_id=str(row.event_id),  # type: ignore[attr-defined]
            event_type=WebhookEventType(row.event_type),
            status=WebhookDeliveryStatus(row.status.value),
            attempts=row.attempts,
            last_status_code=row.last_status_code,
            last_error=row.last_error,
            duration_ms=row.last_duration_ms,
            next_attempt_at=row.next_attempt_at if pending else None,
            created_at=row.created_at,
            delivered_at=row.delivered_at,
        )


@strawberry.type(
    description="An HTTPS address the organisation's chosen events are POSTed to, signed with "
    "its secret (`Ouderlink-Signature`). The secret is shown only when it is made."
)
class WebhookEndpoint(Node):
    row: strawberry.Private[EndpointModel]
    name: str
    url: str
    event_types: list[WebhookEventType]
    scopes: list[ApiScope]
    enabled: bool
    created_at: datetime
    disabled_at: datetime | None

    @classmethod
    def from_model(cls, row: EndpointModel) -> WebhookEndpoint:
        known = WebhookEventType._value2member_map_
        return cls(
            id=strawberry.ID(to_global_id("WebhookEndpoint", row.id)),
            row=row,
            name=row.name,
            url=row.url,
            event_types=[WebhookEventType(t) for t in row.event_types if t in known],
            scopes=[ApiScope.of(s) for s in row.scopes if s in ApiScope._value2member_map_],
            enabled=row.disabled_at is None,
            created_at=row.created_at,
            disabled_at=row.disabled_at,
        )

    @strawberry.field(description="The delivery log, newest first.")
    async def deliveries(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[WebhookDelivery]:
        from resolvers import webhooks as webhook_resolvers  # late: resolvers import these types

        return await webhook_resolvers.deliveries(info, self.row, first, after)


@strawberry.input
class CreateWebhookEndpointInput:
    url: str = strawberry.field(
        description="https:// (plain http only to localhost in development)."
    )
    event_types: list[WebhookEventType]
    scopes: list[ApiScope] = strawberry.field(
        description="What the payloads may show; must cover every event type's scope "
        "(day requests: REQUESTS, absences: OCCUPANCY, news: NEWS)."
    )
    name: str = ""


@strawberry.input
class UpdateWebhookEndpointInput:
    id: strawberry.ID
    name: str | None = strawberry.field(default=None, description="Unchanged when left out.")
    url: str | None = None
    event_types: list[WebhookEventType] | None = None
    scopes: list[ApiScope] | None = None
    enabled: bool | None = strawberry.field(
        default=None,
        description="false: nothing is sent and what waits fails; true again: from then on.",
    )


@strawberry.type
class WebhookEndpointCreated:
    endpoint: WebhookEndpoint
    secret: str = strawberry.field(
        description="The signing secret (`whsec_…`): shown now and never again."
    )


@strawberry.type
class WebhookSecretRotated:
    endpoint: WebhookEndpoint
    secret: str = strawberry.field(
        description="The new signing secret: shown now and never again; the old one stops now."
    )


@strawberry.type
class WebhookEndpointUpdated:
    endpoint: WebhookEndpoint


CreateWebhookEndpointResult = Annotated[
    WebhookEndpointCreated | Refused, strawberry.union("CreateWebhookEndpointResult")
]
UpdateWebhookEndpointResult = Annotated[
    WebhookEndpointUpdated | Refused, strawberry.union("UpdateWebhookEndpointResult")
]
RotateWebhookSecretResult = Annotated[
    WebhookSecretRotated | Refused, strawberry.union("RotateWebhookSecretResult")
]
