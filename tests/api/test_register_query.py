"""mutation registerQuery / unregisterQuery / setTokensRegisteredQueriesOnly, and
viewer.registeredQueries / viewer.tokensRegisteredQueriesOnly (admins only)."""

from __future__ import annotations

import hashlib

import pytest

from models import RegisteredQuery, Role
from schema.ids import to_global_id
from tests import factories

REGISTER = """
mutation($input: RegisterQueryInput!) {
  registerQuery(input: $input) {
    __typename
    ... on QueryRegistered { registeredQuery { id name sha256 document createdAt } }
    ... on Refused { code field messageEn messageNl }
  }
}"""
UNREGISTER = "mutation($id: ID!) { unregisterQuery(id: $id) }"
SET_ONLY = "mutation($on: Boolean!) { setTokensRegisteredQueriesOnly(enabled: $on) }"
LIST = "{ viewer { tokensRegisteredQueriesOnly registeredQueries { name sha256 } } }"
DOCUMENT = "query Occupancy { about { apiVersion } }"


async def _admin_token(slug: str = "hoera") -> tuple:
    org = await factories.organisation(slug)
    admin = await factories.user(org, Role.ADMIN)
    return org, await factories.token_for(admin)


async def test_an_admin_registers_a_query_by_its_hash(db, gql):
    # given
    org, token = await _admin_token()
    # when
    result = await gql(
        REGISTER, {"input": {"name": " Bezetting ", "document": DOCUMENT}}, token=token
    )
    # then
    registered = result["data"]["registerQuery"]["registeredQuery"]
    assert registered["name"] == "Bezetting"
    assert registered["sha256"] == hashlib.sha256(DOCUMENT.encode()).hexdigest()
    assert registered["document"] == DOCUMENT
    listed = await gql(LIST, token=token)
    assert listed["data"]["viewer"] == {
        "tokensRegisteredQueriesOnly": False,
        "registeredQueries": [{"name": "Bezetting", "sha256": registered["sha256"]}],
    }
    row = await RegisteredQuery.get(organisation_id=org.id)
    assert row.sha256 == registered["sha256"]


@pytest.mark.parametrize(
    ("name", "document", "code"),
    [
        ("Kapot", "{ about { apiVersion }", "INVALID_DOCUMENT"),
        ("Onbekend veld", "{ about { nope } }", "INVALID_DOCUMENT"),
        ("Muteren", "mutation { logout }", "ONLY_QUERIES"),
        ("Gemengd", "query A { about { apiVersion } } mutation B { logout }", "ONLY_QUERIES"),
        ("Live", "subscription { messageAdded { cursor } }", "ONLY_QUERIES"),
        ("", DOCUMENT, "NAME_INVALID"),
        ("x" * 101, DOCUMENT, "NAME_INVALID"),
        ("Te lang", "{ about { apiVersion } }" + " " * 20_001, "DOCUMENT_TOO_LONG"),
    ],
)
async def test_bad_queries_are_refused(db, gql, name, document, code):
    _, token = await _admin_token()
    result = await gql(REGISTER, {"input": {"name": name, "document": document}}, token=token)
    assert result["data"]["registerQuery"]["code"] == code
    assert await RegisteredQuery.all().count() == 0


async def test_the_same_document_twice_is_refused(db, gql):
    _, token = await _admin_token()
    variables = {"input": {"name": "Bezetting", "document": DOCUMENT}}
    await gql(REGISTER, variables, token=token)
    again = await gql(REGISTER, variables, token=token)
    assert again["data"]["registerQuery"]["code"] == "ALREADY_REGISTERED"


@pytest.mark.parametrize("role", [Role.PLANNER, Role.STAFF, Role.PARENT])
async def test_only_admins_manage_registered_queries(db, gql, role):
    # given
    org = await factories.organisation()
    token = await factories.token_for(await factories.user(org, role))
    # when / then
    for query, variables in [
        (REGISTER, {"input": {"name": "x", "document": DOCUMENT}}),
        (SET_ONLY, {"on": True}),
        (LIST, {}),
    ]:
        result = await gql(query, variables, token=token)
        assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await RegisteredQuery.all().count() == 0


async def test_an_admin_unregisters_a_query_of_their_own_organisation_only(db, gql):
    # given a query of each organisation
    _, token = await _admin_token("hoera")
    _, other_token = await _admin_token("anders")
    mine = await gql(REGISTER, {"input": {"name": "a", "document": DOCUMENT}}, token=token)
    theirs = await gql(REGISTER, {"input": {"name": "b", "document": DOCUMENT}}, token=other_token)
    mine_id = mine["data"]["registerQuery"]["registeredQuery"]["id"]
    theirs_id = theirs["data"]["registerQuery"]["registeredQuery"]["id"]
    # when
    not_mine = await gql(UNREGISTER, {"id": theirs_id}, token=token)
    removed = await gql(UNREGISTER, {"id": mine_id}, token=token)
    again = await gql(UNREGISTER, {"id": mine_id}, token=token)
    wrong_type = await gql(UNREGISTER, {"id": to_global_id("Child", 1)}, token=token)
    # then
    assert not_mine["data"]["unregisterQuery"] is False
    assert removed["data"]["unregisterQuery"] is True
    assert again["data"]["unregisterQuery"] is False
    assert wrong_type["data"]["unregisterQuery"] is False
    assert await RegisteredQuery.all().count() == 1


async def test_an_admin_switches_tokens_to_registered_queries_only_and_back(db, gql):
    org, token = await _admin_token()
    on = await gql(SET_ONLY, {"on": True}, token=token)
    assert on["data"]["setTokensRegisteredQueriesOnly"] is True
    await org.refresh_from_db()
    assert org.tokens_registered_queries_only is True
    assert (await gql(LIST, token=token))["data"]["viewer"]["tokensRegisteredQueriesOnly"] is True
    off = await gql(SET_ONLY, {"on": False}, token=token)
    assert off["data"]["setTokensRegisteredQueriesOnly"] is False
    await org.refresh_from_db()
    assert org.tokens_registered_queries_only is False


async def test_a_registered_query_is_a_node_for_admins(db, gql):
    _, token = await _admin_token()
    registered = await gql(REGISTER, {"input": {"name": "a", "document": DOCUMENT}}, token=token)
    node_id = registered["data"]["registerQuery"]["registeredQuery"]["id"]
    query = "query($id: ID!) { node(id: $id) { ... on RegisteredQuery { name } } }"
    assert (await gql(query, {"id": node_id}, token=token))["data"]["node"] == {"name": "a"}
    org = await factories.organisation("derde")
    planner = await factories.token_for(await factories.user(org, Role.PLANNER))
    assert (await gql(query, {"id": node_id}, token=planner))["data"]["node"] is None
