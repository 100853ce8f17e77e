"""mutation createWebhookEndpoint"""

from __future__ import annotations

from datetime import timedelta

import pytest

import settings
from models import Role, WebhookEndpoint
from services.day_requests import DaySpec, request_days
from services.webhooks import dispatch
from tests import factories, webhook_helpers
from tests.agenda_helpers import WEDNESDAY, hhmm, principal_of
from tests.webhook_helpers import MovingClock

receiver = webhook_helpers.receiver

CREATE = """
mutation($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) {
    __typename
    ... on WebhookEndpointCreated {
      secret
      endpoint { id name url eventTypes scopes enabled }
    }
    ... on Refused { code field messageNl messageEn }
  }
}"""


def create_input(url: str, **extra) -> dict:
    return {
        "input": {
            "url": url,
            "eventTypes": ["DAY_REQUEST_CREATED", "DAY_REQUEST_DECIDED"],
            "scopes": ["REQUESTS"],
            "name": "Planbord",
            **extra,
        }
    }


async def test_an_admin_creates_an_endpoint_and_deliveries_are_signed_with_its_secret(
    db, gql, receiver
):
    # given
    MovingClock()
    t = await factories.tenant()
    admin = await factories.token_for(await factories.user(t.org, Role.ADMIN))
    # when
    result = await gql(CREATE, create_input(receiver.url()), token=admin)
    # then
    created = result["data"]["createWebhookEndpoint"]
    assert created["__typename"] == "WebhookEndpointCreated"
    assert created["secret"].startswith("whsec_")
    assert created["endpoint"] == {
        "id": created["endpoint"]["id"],
        "name": "Planbord",
        "url": receiver.url(),
        "eventTypes": ["DAY_REQUEST_CREATED", "DAY_REQUEST_DECIDED"],
        "scopes": ["REQUESTS"],
        "enabled": True,
    }
    # and: a request is delivered, signed with the secret shown once
    spec = DaySpec(t.child.id, WEDNESDAY + timedelta(days=7), hhmm("07:00"), hhmm("18:30"), None)
    await request_days(await principal_of(t.parent), [spec])
    await dispatch.run_once()
    [hit] = receiver.received
    assert hit.signed_with(created["secret"])
    stored = await WebhookEndpoint.get()
    assert created["secret"] not in stored.secret


@pytest.mark.parametrize("role", [Role.PARENT, Role.STAFF, Role.PLANNER])
async def test_only_admins_create_endpoints(db, gql, role):
    # given
    t = await factories.tenant()
    token = await factories.token_for(await factories.user(t.org, role))
    # when
    result = await gql(CREATE, create_input("https://example.com/hook"), token=token)
    # then
    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await WebhookEndpoint.all().count() == 0


async def test_anonymous_callers_are_unauthenticated(db, gql):
    result = await gql(CREATE, create_input("https://example.com/hook"))
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_plain_http_is_refused_in_production(db, gql, monkeypatch):
    # given
    monkeypatch.setattr(settings, "WEBHOOK_ALLOW_INSECURE_LOCALHOST", False)
    t = await factories.tenant()
    admin = await factories.token_for(await factories.user(t.org, Role.ADMIN))
    # when
    result = await gql(CREATE, create_input("http://127.0.0.1:9000/hook"), token=admin)
    # then
    refused = result["data"]["createWebhookEndpoint"]
    assert (refused["__typename"], refused["code"], refused["field"]) == (
        "Refused",
        "WEBHOOK_URL_NOT_HTTPS",
        "url",
    )
    assert refused["messageNl"] and refused["messageEn"]
    assert await WebhookEndpoint.all().count() == 0


async def test_scopes_must_cover_the_event_types(db, gql):
    # given
    t = await factories.tenant()
    admin = await factories.token_for(await factories.user(t.org, Role.ADMIN))
    # when
    variables = create_input("https://example.com/hook", eventTypes=["NEWS_PUBLISHED"])
    result = await gql(CREATE, variables, token=admin)
    # then
    assert result["data"]["createWebhookEndpoint"]["code"] == "SCOPES_DO_NOT_COVER_EVENTS"


async def test_at_least_one_event_type_is_needed(db, gql):
    t = await factories.tenant()
    admin = await factories.token_for(await factories.user(t.org, Role.ADMIN))
    result = await gql(CREATE, create_input("https://example.com/hook", eventTypes=[]), token=admin)
    assert result["data"]["createWebhookEndpoint"]["code"] == "EVENT_TYPES_REQUIRED"


async def test_the_secret_is_not_a_field_of_the_endpoint(db, gql):
    t = await factories.tenant()
    admin = await factories.token_for(await factories.user(t.org, Role.ADMIN))
    await gql(CREATE, create_input("https://example.com/hook"), token=admin)
    result = await gql("{ viewer { webhookEndpoints { secret } } }", token=admin)
    assert "secret" in result["errors"][0]["message"]
