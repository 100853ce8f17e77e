"""Webhook endpoints: admins register, change, remove them and read their delivery log (the
rules are in services.webhooks)."""

from __future__ import annotations

from models import WebhookEndpoint as EndpointModel
from resolvers.node import node_fetcher
from resolvers.outcomes import outcome, principal_of
from schema.context import Info
from schema.errors import bad_input, forbidden, not_found
from schema.ids import pk_of
from schema.relay import Connection, connection, decode_cursor, page_size
from schema.types.webhooks import (
    CreateWebhookEndpointInput,
    CreateWebhookEndpointResult,
    RotateWebhookSecretResult,
    UpdateWebhookEndpointInput,
    UpdateWebhookEndpointResult,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEndpointCreated,
    WebhookEndpointUpdated,
    WebhookSecretRotated,
)
from services.errors import AccessDenied
from services.webhooks import endpoints


async def create_webhook_endpoint(
    info: Info, input: CreateWebhookEndpointInput
) -> CreateWebhookEndpointResult:
    return await outcome(
        info,
        endpoints.register(
            principal_of(info),
            url=input.url,
            event_types=[e.value for e in input.event_types],
            scopes=[s.value for s in input.scopes],
            name=input.name,
        ),
        lambda made: WebhookEndpointCreated(
            endpoint=WebhookEndpoint.from_model(made.endpoint), secret=made.secret
        ),
    )


async def update_webhook_endpoint(
    info: Info, input: UpdateWebhookEndpointInput
) -> UpdateWebhookEndpointResult:
    principal = principal_of(info)
    return await outcome(
        info,
        endpoints.update(
            principal,
            pk_of(input.id, "WebhookEndpoint"),
            name=input.name,
            url=input.url,
            event_types=None if input.event_types is None else [e.value for e in input.event_types],
            scopes=None if input.scopes is None else [s.value for s in input.scopes],
            enabled=input.enabled,
        ),
        lambda row: WebhookEndpointUpdated(endpoint=WebhookEndpoint.from_model(row)),
    )


async def rotate_webhook_secret(info: Info, endpoint_id: str) -> RotateWebhookSecretResult:
    return await outcome(
        info,
        endpoints.rotate_secret(principal_of(info), pk_of(endpoint_id, "WebhookEndpoint")),
        lambda made: WebhookSecretRotated(
            endpoint=WebhookEndpoint.from_model(made.endpoint), secret=made.secret
        ),
    )


async def delete_webhook_endpoint(info: Info, endpoint_id: str) -> bool:
    try:
        return await endpoints.remove(principal_of(info), pk_of(endpoint_id, "WebhookEndpoint"))
    except AccessDenied:
        raise forbidden() from None


async def redeliver_webhook_delivery(info: Info, delivery_id: str) -> WebhookDelivery:
    try:
        row = await endpoints.redeliver(principal_of(info), pk_of(delivery_id, "WebhookDelivery"))
    except AccessDenied as denied:
        raise (not_found() if denied.code == "NOT_FOUND" else forbidden()) from None
    return WebhookDelivery.from_model(row)


async def viewer_webhook_endpoints(info: Info) -> list[WebhookEndpoint]:
    try:
        rows = await endpoints.endpoints(principal_of(info))
    except AccessDenied:
        raise forbidden() from None
    return [WebhookEndpoint.from_model(row) for row in rows]


def _before(after: str | None) -> int | None:
    if not after:
        return None
    raw = decode_cursor(after)
    if not raw.isdigit():
        raise bad_input("INVALID_CURSOR", "Ongeldige cursor.", "Invalid cursor.")
    return int(raw)


async def deliveries(
    info: Info, endpoint: EndpointModel, first: int | None, after: str | None
) -> Connection[WebhookDelivery]:
    """The log of an endpoint the viewer reached through `webhookEndpoints` or `node`."""
    rows, more = await endpoints.deliveries(endpoint, page_size(first), _before(after))
    return connection(
        [WebhookDelivery.from_model(r) for r in rows],
        lambda d: str(d.pk),
        more,
        has_previous=after is not None,
    )


@node_fetcher("WebhookEndpoint")
async def webhook_endpoint_node(info: Info, pk: int) -> WebhookEndpoint | None:
    try:
        return WebhookEndpoint.from_model(await endpoints.endpoint(principal_of(info), pk))
    except AccessDenied:
        return None
