"""mutation updateWebhookEndpoint / rotateWebhookSecret"""

from __future__ import annotations

from models import Role, WebhookEndpoint
from schema.ids import to_global_id
from services.webhooks import signing
from tests import factories
from tests.webhook_helpers import admin_of, register

UPDATE = """
mutation($input: UpdateWebhookEndpointInput!) {
  updateWebhookEndpoint(input: $input) {
    __typename
    ... on WebhookEndpointUpdated { endpoint { id name eventTypes scopes enabled disabledAt } }
    ... on Refused { code }
  }
}"""
ROTATE = """
mutation($id: ID!) {
  rotateWebhookSecret(id: $id) {
    ... on WebhookSecretRotated { secret endpoint { id } }
    ... on Refused { code }
  }
}"""
URL = "https://example.com/hook"


async def setup():
    t = await factories.tenant()
    admin_user = await factories.user(t.org, Role.ADMIN)
    created = await register(await admin_of(t.org), URL)
    gid = to_global_id("WebhookEndpoint", created.endpoint.id)
    return t, await factories.token_for(admin_user), created, gid


async def test_an_admin_switches_an_endpoint_off_and_changes_its_events(db, gql):
    # given
    _, admin, _, gid = await setup()
    # when
    result = await gql(
        UPDATE,
        {
            "input": {
                "id": gid,
                "enabled": False,
                "name": "Bezetting",
                "eventTypes": ["ABSENCE_REPORTED"],
                "scopes": ["OCCUPANCY"],
            }
        },
        token=admin,
    )
    # then
    endpoint = result["data"]["updateWebhookEndpoint"]["endpoint"]
    assert endpoint["enabled"] is False and endpoint["disabledAt"]
    assert (endpoint["name"], endpoint["eventTypes"], endpoint["scopes"]) == (
        "Bezetting",
        ["ABSENCE_REPORTED"],
        ["OCCUPANCY"],
    )


async def test_an_update_is_refused_like_a_registration(db, gql):
    _, admin, _, gid = await setup()
    variables = {"input": {"id": gid, "eventTypes": ["NEWS_PUBLISHED"]}}
    result = await gql(UPDATE, variables, token=admin)
    assert result["data"]["updateWebhookEndpoint"]["code"] == "SCOPES_DO_NOT_COVER_EVENTS"


async def test_another_organisations_endpoint_is_not_found(db, gql):
    # given
    _, _, created, gid = await setup()
    other = await factories.tenant("zonnestraal")
    their_admin = await factories.token_for(await factories.user(other.org, Role.ADMIN))
    # when
    result = await gql(UPDATE, {"input": {"id": gid, "enabled": False}}, token=their_admin)
    rotated = await gql(ROTATE, {"id": gid}, token=their_admin)
    # then
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert rotated["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert (await WebhookEndpoint.get(id=created.endpoint.id)).disabled_at is None


async def test_a_planner_may_not_change_an_endpoint(db, gql):
    t, _, _, gid = await setup()
    planner = await factories.token_for(t.planner)
    result = await gql(UPDATE, {"input": {"id": gid, "enabled": False}}, token=planner)
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_rotating_shows_a_new_secret_once(db, gql):
    # given
    _, admin, created, gid = await setup()
    # when
    result = await gql(ROTATE, {"id": gid}, token=admin)
    # then
    secret = result["data"]["rotateWebhookSecret"]["secret"]
    assert secret.startswith("whsec_") and secret != created.secret
    stored = await WebhookEndpoint.get(id=created.endpoint.id)
    assert signing.unseal(stored.secret) == secret
