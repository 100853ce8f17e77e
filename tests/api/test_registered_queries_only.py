"""An organisation that allows its API tokens registered queries only: a token runs a
document only when its hash is registered for the token's organisation."""

from __future__ import annotations

import hashlib

from models import RegisteredQuery, Role
from services import api_tokens
from tests import factories
from tests.agenda_helpers import principal_of

REGISTERED = "query Dashboard { about { apiVersion } }"
UNREGISTERED = "query Other { about { apiVersion buildDate } }"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def by_hash(text: str) -> dict:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha256(text)}}


async def _organisation_with_token(slug: str, *, registered_only: bool):
    """An organisation with REGISTERED registered, and an API token of it."""
    org = await factories.organisation(slug, tokens_registered_queries_only=registered_only)
    admin = await factories.user(org, Role.ADMIN)
    await RegisteredQuery.create(
        organisation=org, name="Dashboard", sha256=sha256(REGISTERED), document=REGISTERED
    )
    issued = await api_tokens.create(await principal_of(admin), name="Dash", scopes=["news"])
    return org, admin, issued.secret


async def post(client, token: str, body: dict) -> dict:
    response = await client.post(
        "/graphql", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_an_unregistered_document_from_a_token_is_refused(client):
    # given
    _, _, token = await _organisation_with_token("hoera", registered_only=True)
    # when
    result = await post(client, token, {"query": UNREGISTERED})
    # then
    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == "QUERY_NOT_REGISTERED"
    # not by hash either, even once the document is a known persisted query
    stored = await post(client, token, {"query": UNREGISTERED, "extensions": by_hash(UNREGISTERED)})
    assert stored["errors"][0]["extensions"]["code"] == "QUERY_NOT_REGISTERED"
    hashed = await post(client, token, {"extensions": by_hash(UNREGISTERED)})
    assert hashed["errors"][0]["extensions"]["code"] == "QUERY_NOT_REGISTERED"


async def test_a_registered_document_runs_in_full_or_by_hash(client):
    # given
    _, _, token = await _organisation_with_token("hoera", registered_only=True)
    # when
    in_full = await post(client, token, {"query": REGISTERED})
    by_its_hash = await post(client, token, {"extensions": by_hash(REGISTERED)})
    # then (the hash needs no APQ round trip: the registered document is used)
    assert in_full["data"] == {"about": {"apiVersion": "1.0"}}
    assert by_its_hash["data"] == {"about": {"apiVersion": "1.0"}}


async def test_a_document_registered_by_another_organisation_does_not_count(client):
    # given the document registered elsewhere only
    await _organisation_with_token("anders", registered_only=False)
    org = await factories.organisation("hoera", tokens_registered_queries_only=True)
    admin = await factories.user(org, Role.ADMIN)
    issued = await api_tokens.create(await principal_of(admin), name="Dash", scopes=["news"])
    # when
    result = await post(client, issued.secret, {"query": REGISTERED})
    # then
    assert result["errors"][0]["extensions"]["code"] == "QUERY_NOT_REGISTERED"


async def test_without_the_setting_a_token_runs_any_query(client):
    _, _, token = await _organisation_with_token("hoera", registered_only=False)
    result = await post(client, token, {"query": UNREGISTERED})
    assert "errors" not in result
    assert result["data"]["about"]["apiVersion"] == "1.0"


async def test_users_of_a_registered_only_organisation_are_not_affected(client, gql):
    # given
    _, admin, _ = await _organisation_with_token("hoera", registered_only=True)
    # when
    result = await gql(UNREGISTERED, token=await factories.token_for(admin))
    # then
    assert "errors" not in result


async def test_switching_the_setting_applies_to_the_next_request(client, gql):
    # given a token allowed any query
    _, admin, token = await _organisation_with_token("hoera", registered_only=False)
    assert "errors" not in await post(client, token, {"query": UNREGISTERED})
    # when the admin switches to registered queries only
    switched = await gql(
        "mutation { setTokensRegisteredQueriesOnly(enabled: true) }",
        token=await factories.token_for(admin),
    )
    assert switched["data"]["setTokensRegisteredQueriesOnly"] is True
    # then
    refused = await post(client, token, {"query": UNREGISTERED})
    assert refused["errors"][0]["extensions"]["code"] == "QUERY_NOT_REGISTERED"
