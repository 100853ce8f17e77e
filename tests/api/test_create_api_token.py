"""mutation createApiToken, and query viewer.apiTokens / node(id:) for tokens (admins only)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from models import ApiToken, Role
from services import clock
from tests import factories

CREATE = """
mutation($input: CreateApiTokenInput!) {
  createApiToken(input: $input) {
    __typename
    ... on ApiTokenCreated {
      secret
      token { id name publisher scopes prefix expiresAt lastUsedAt revokedAt active
              createdBy { email } }
    }
    ... on Refused { code messageNl messageEn field }
  }
}"""
LIST = """
{ viewer { apiTokens { id name prefix scopes createdAt lastUsedAt createdBy { email } } } }"""
NODE = "query($id: ID!) { node(id: $id) { ... on ApiToken { name prefix } } }"
INPUT = {"name": "Bezettingsdashboard", "publisher": "DashCo", "scopes": ["OCCUPANCY", "CREDITS"]}


async def test_an_admin_creates_a_token_and_sees_the_secret_once(db, gql, client):
    # given
    t = await factories.tenant()
    admin_user = await factories.user(t.org, Role.ADMIN)
    admin = await factories.token_for(admin_user)
    # when
    result = await gql(CREATE, {"input": INPUT}, token=admin)
    # then
    created = result["data"]["createApiToken"]
    assert created["__typename"] == "ApiTokenCreated", created
    secret, token = created["secret"], created["token"]
    assert secret.startswith("olk_") and token["prefix"] == secret[:10]
    assert token["scopes"] == ["OCCUPANCY", "CREDITS"]
    assert (token["name"], token["publisher"], token["active"]) == (
        "Bezettingsdashboard",
        "DashCo",
        True,
    )
    assert token["createdBy"] == {"email": admin_user.email}
    assert token["lastUsedAt"] is None and token["revokedAt"] is None
    expires = datetime.fromisoformat(token["expiresAt"])
    assert abs(expires - (clock.now() + timedelta(days=365))) < timedelta(minutes=1)
    # only the hash is stored, and no later answer carries the secret
    row = await ApiToken.get()
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    listed = await client.post(
        "/graphql", json={"query": LIST}, headers={"Authorization": f"Bearer {admin}"}
    )
    assert secret[10:] not in listed.text
    assert listed.json()["data"]["viewer"]["apiTokens"][0]["id"] == token["id"]
    node = await gql(NODE, {"id": token["id"]}, token=admin)
    assert node["data"]["node"] == {"name": "Bezettingsdashboard", "prefix": secret[:10]}


async def test_the_list_shows_last_use_and_only_the_own_organisation(db, gql):
    # given two organisations with a token each, one of them used
    t, other = await factories.tenant(), await factories.tenant("elders")
    admin = await factories.token_for(await factories.user(t.org, Role.ADMIN))
    other_admin = await factories.token_for(await factories.user(other.org, Role.ADMIN))
    ours = (await gql(CREATE, {"input": INPUT}, token=admin))["data"]["createApiToken"]
    theirs = (await gql(CREATE, {"input": INPUT}, token=other_admin))["data"]["createApiToken"]
    await gql("{ about { apiVersion } }", token=ours["secret"])
    # when
    listed = (await gql(LIST, token=admin))["data"]["viewer"]["apiTokens"]
    foreign = await gql(NODE, {"id": theirs["token"]["id"]}, token=admin)
    # then
    assert [row["id"] for row in listed] == [ours["token"]["id"]]
    assert listed[0]["lastUsedAt"] is not None
    assert foreign["data"]["node"] is None


@pytest.mark.parametrize("role", ["planner", "staff", "parent"])
async def test_others_cannot_create_or_list_tokens(db, gql, role):
    # given
    t = await factories.tenant()
    admin = await factories.token_for(await factories.user(t.org, Role.ADMIN))
    made = (await gql(CREATE, {"input": INPUT}, token=admin))["data"]["createApiToken"]
    someone = await factories.token_for(getattr(t, role))
    # when
    created = await gql(CREATE, {"input": INPUT}, token=someone)
    listed = await gql(LIST, token=someone)
    node = await gql(NODE, {"id": made["token"]["id"]}, token=someone)
    # then
    assert created["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert listed["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert node["data"]["node"] is None
    assert await ApiToken.all().count() == 1


async def test_anonymous_cannot_create_a_token(db, gql):
    await factories.tenant()
    result = await gql(CREATE, {"input": INPUT})
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await ApiToken.all().count() == 0


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"name": ""}, "NAME_INVALID", "name"),
        ({"publisher": "p" * 101}, "PUBLISHER_TOO_LONG", "publisher"),
        ({"scopes": []}, "NO_SCOPES", "scopes"),
        ({"expiresAt": "2020-01-01T00:00:00+00:00"}, "EXPIRY_IN_PAST", "expiresAt"),
        ({"expiresAt": "2099-01-01T00:00:00+00:00"}, "EXPIRY_TOO_FAR", "expiresAt"),
    ],
)
async def test_bad_details_are_refused_as_data(db, gql, changes, code, field):
    # given
    t = await factories.tenant()
    admin = await factories.token_for(await factories.user(t.org, Role.ADMIN))
    # when
    result = await gql(CREATE, {"input": {**INPUT, **changes}}, token=admin)
    # then
    refused = result["data"]["createApiToken"]
    assert (refused["__typename"], refused["code"], refused["field"]) == ("Refused", code, field)
    assert refused["messageNl"] and refused["messageEn"]
    assert await ApiToken.all().count() == 0


async def test_an_unknown_scope_is_bad_input(db, gql):
    t = await factories.tenant()
    admin = await factories.token_for(await factories.user(t.org, Role.ADMIN))
    result = await gql(CREATE, {"input": {**INPUT, "scopes": ["PHOTOS"]}}, token=admin)
    assert result["data"] is None and result["errors"]
    assert await ApiToken.all().count() == 0


async def test_a_chosen_expiry_is_kept(db, gql):
    t = await factories.tenant()
    admin = await factories.token_for(await factories.user(t.org, Role.ADMIN))
    expiry = (clock.now() + timedelta(days=30)).astimezone(UTC).replace(microsecond=0)
    result = await gql(CREATE, {"input": {**INPUT, "expiresAt": expiry.isoformat()}}, token=admin)
    token = result["data"]["createApiToken"]["token"]
    assert datetime.fromisoformat(token["expiresAt"]) == expiry
