"""mutation revokeApiToken: the token stops working at once; once only; own organisation."""

from __future__ import annotations

import pytest

from models import Role
from schema.ids import to_global_id
from tests import factories

CREATE = """
mutation { createApiToken(input: {name: "Dash", scopes: [NEWS]}) {
  ... on ApiTokenCreated { secret token { id } } } }"""
REVOKE = """
mutation($id: ID!) {
  revokeApiToken(id: $id) {
    __typename
    ... on ApiTokenRevoked { token { id revokedAt active } }
    ... on Refused { code messageNl messageEn }
  }
}"""
ABOUT = "{ about { apiVersion } }"


async def made(gql, admin: str) -> tuple[str, str]:
    created = (await gql(CREATE, token=admin))["data"]["createApiToken"]
    return created["secret"], created["token"]["id"]


async def test_a_revoked_token_stops_working_at_once(db, gql, client):
    # given a token that works
    t = await factories.tenant()
    admin = await factories.token_for(await factories.user(t.org, Role.ADMIN))
    secret, token_id = await made(gql, admin)
    assert (await gql(ABOUT, token=secret))["data"]["about"]["apiVersion"]
    # when
    result = await gql(REVOKE, {"id": token_id}, token=admin)
    # then
    revoked = result["data"]["revokeApiToken"]
    assert revoked["__typename"] == "ApiTokenRevoked", revoked
    assert revoked["token"]["revokedAt"] is not None and revoked["token"]["active"] is False
    response = await client.post(
        "/graphql", json={"query": ABOUT}, headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_revoking_twice_is_refused(db, gql):
    t = await factories.tenant()
    admin = await factories.token_for(await factories.user(t.org, Role.ADMIN))
    _, token_id = await made(gql, admin)
    await gql(REVOKE, {"id": token_id}, token=admin)
    again = (await gql(REVOKE, {"id": token_id}, token=admin))["data"]["revokeApiToken"]
    assert again["code"] == "ALREADY_REVOKED"
    assert again["messageNl"] and again["messageEn"]


async def test_a_token_of_another_organisation_is_not_found(db, gql):
    # given
    t, other = await factories.tenant(), await factories.tenant("elders")
    admin = await factories.token_for(await factories.user(t.org, Role.ADMIN))
    other_admin = await factories.token_for(await factories.user(other.org, Role.ADMIN))
    secret, theirs = await made(gql, other_admin)
    # when
    result = await gql(REVOKE, {"id": theirs}, token=admin)
    wrong_type = await gql(REVOKE, {"id": to_global_id("Child", t.child.id)}, token=admin)
    # then
    assert result["data"]["revokeApiToken"]["code"] == "API_TOKEN_NOT_FOUND"
    assert wrong_type["data"]["revokeApiToken"]["code"] == "API_TOKEN_NOT_FOUND"
    assert (await gql(ABOUT, token=secret))["data"]["about"]["apiVersion"]


@pytest.mark.parametrize("role", ["planner", "staff", "parent"])
async def test_others_cannot_revoke(db, gql, role):
    t = await factories.tenant()
    admin = await factories.token_for(await factories.user(t.org, Role.ADMIN))
    secret, token_id = await made(gql, admin)
    result = await gql(REVOKE, {"id": token_id}, token=await factories.token_for(getattr(t, role)))
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await gql(ABOUT, token=secret))["data"]["about"]["apiVersion"]


async def test_a_token_cannot_revoke_itself(db, client, gql):
    t = await factories.tenant()
    admin = await factories.token_for(await factories.user(t.org, Role.ADMIN))
    secret, token_id = await made(gql, admin)
    response = await client.post(
        "/graphql",
        json={"query": REVOKE, "variables": {"id": token_id}},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.json()["errors"][0]["extensions"]["code"] == "TOKEN_READ_ONLY"
    assert (await gql(ABOUT, token=secret))["data"]["about"]["apiVersion"]
