"""mutation deleteWebhookEndpoint"""

from __future__ import annotations

from models import Role, WebhookEndpoint
from schema.ids import to_global_id
from tests import factories
from tests.webhook_helpers import admin_of, register

DELETE = "mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }"


async def test_an_admin_deletes_an_endpoint(db, gql):
    # given
    t = await factories.tenant()
    created = await register(await admin_of(t.org), "https://example.com/hook")
    admin = await factories.token_for(await factories.user(t.org, Role.ADMIN))
    gid = to_global_id("WebhookEndpoint", created.endpoint.id)
    # when
    result = await gql(DELETE, {"id": gid}, token=admin)
    # then
    assert result["data"]["deleteWebhookEndpoint"] is True
    assert await WebhookEndpoint.all().count() == 0


async def test_another_organisations_endpoint_stays(db, gql):
    # given
    t = await factories.tenant()
    other = await factories.tenant("zonnestraal")
    created = await register(await admin_of(other.org), "https://example.com/hook")
    admin = await factories.token_for(await factories.user(t.org, Role.ADMIN))
    # when
    gid = to_global_id("WebhookEndpoint", created.endpoint.id)
    result = await gql(DELETE, {"id": gid}, token=admin)
    # then
    assert result["data"]["deleteWebhookEndpoint"] is False
    assert await WebhookEndpoint.all().count() == 1


async def test_staff_may_not_delete_endpoints(db, gql):
    t = await factories.tenant()
    created = await register(await admin_of(t.org), "https://example.com/hook")
    staff = await factories.token_for(t.staff)
    gid = to_global_id("WebhookEndpoint", created.endpoint.id)
    result = await gql(DELETE, {"id": gid}, token=staff)
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await WebhookEndpoint.all().count() == 1
