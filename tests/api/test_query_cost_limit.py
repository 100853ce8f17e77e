"""Cost limits: a query costing more than MAX_QUERY_COST is refused before it runs; every
caller pays its queries from a budget, reported in `extensions.cost`."""

from __future__ import annotations

import uuid

import httpx
import pytest

import settings
from models import Role
from services import api_tokens, rate_budget
from tests import factories
from tests.agenda_helpers import principal_of
from tests.sql_counter import count_sql

CHEAP = "{ about { apiVersion } }"
# 2 + 100 x (2 + 100 x (1 + 1 author)) = 20202 points, above MAX_QUERY_COST (10000)
COSTLY = """{ viewer { children(first: 100) { edges { node {
  timeline(first: 100) { edges { node { ... on PhotoPost { author { name } } } } } } } } } }"""
AFFORDABLE = """{ viewer { children(first: 10) { edges { node {
  timeline(first: 10) { edges { node { __typename } } } } } } } }"""


async def test_a_query_above_the_maximum_cost_is_refused_before_it_runs(db, gql):
    # given a parent (the query would read the database for them)
    t = await factories.tenant()
    token = await factories.token_for(t.parent)
    with count_sql() as authentication_only:
        await gql(CHEAP, token=token)
    with count_sql() as affordable:
        runs = await gql(AFFORDABLE, token=token)
    # when
    with count_sql() as costly:
        result = await gql(COSTLY, token=token)
    # then: refused with its cost, and nothing read beyond the session check
    assert "errors" not in runs and affordable.count > authentication_only.count
    assert result["data"] is None
    error = result["errors"][0]
    assert error["extensions"] == {
        "code": "QUERY_TOO_COSTLY",
        "cost": 20202,
        "maximumCost": settings.MAX_QUERY_COST,
    }
    assert "20202" in error["message"]
    assert costly.count == authentication_only.count
    assert result["extensions"]["cost"]["requestedQueryCost"] == 20202


async def test_every_response_reports_the_cost_and_the_budget_left(db, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.parent)
    # when
    first = await gql(AFFORDABLE, token=token)
    second = await gql(AFFORDABLE, token=token)
    # then: Shopify's shape
    cost = first["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 2 + 10 * (2 + 10)
    assert cost["maximumQueryCost"] == settings.MAX_QUERY_COST
    status = cost["throttleStatus"]
    assert status["maximumAvailable"] == settings.RATE_BUDGET_CAPACITY
    assert status["restoreRate"] == settings.RATE_BUDGET_RESTORE_RATE
    assert status["currentlyAvailable"] <= settings.RATE_BUDGET_CAPACITY - 122
    # the second paid too (refill in between is far less than 122 points... or capped)
    later = second["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"]
    assert later <= settings.RATE_BUDGET_CAPACITY - 122


@pytest.fixture
async def small_budget(monkeypatch):
    """Shrink the budget for one test; afterwards no caller keeps a shrunken bucket (user ids
    repeat from test to test, and Redis keeps buckets across them)."""

    def shrink(capacity: int, rate: float) -> None:
        monkeypatch.setattr(settings, "RATE_BUDGET_CAPACITY", capacity)
        monkeypatch.setattr(settings, "RATE_BUDGET_RESTORE_RATE", rate)

    yield shrink
    await rate_budget.forget_all()


@pytest.fixture
async def own_address(app, db):
    """A client with an address of its own: its budget is shared with no other test."""
    address = f"198.18.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"
    transport = httpx.ASGITransport(app=app, client=(address, 51000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def test_an_exhausted_budget_is_refused_with_the_time_to_wait(own_address, small_budget):
    # given a small budget that refills slowly: 150 points, 2 points a second
    small_budget(150, 2.0)
    query = "{ viewer { __typename } about { apiVersion } l: about { buildDate } }"  # 1 point
    costly = {"query": AFFORDABLE.replace("first: 10", "first: 12")}  # 2 + 12 x 14 = 170
    spend = {"query": AFFORDABLE}  # 122
    first = (await own_address.post("/graphql", json=spend)).json()
    assert "errors" not in first
    left = first["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"]
    assert left <= 28
    # when a query costing more than what is left arrives
    response = await own_address.post("/graphql", json={"query": AFFORDABLE})
    # then it is refused, with the seconds until 122 points are back
    body = response.json()
    assert response.status_code == 200
    assert body["data"] is None
    error = body["errors"][0]["extensions"]
    assert error["code"] == "BUDGET_EXHAUSTED"
    assert error["cost"] == 122
    # (122 - 28) / 2 = 47 s at least; a little less if some time passed
    assert 40 <= error["retryAfterSeconds"] <= 61
    assert response.headers["retry-after"] == str(error["retryAfterSeconds"])
    assert body["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] < 122
    # a cheap query still fits, and a cost above the whole bucket never does
    assert "errors" not in (await own_address.post("/graphql", json={"query": query})).json()
    assert (await own_address.post("/graphql", json=costly)).json()["errors"][0]["extensions"][
        "code"
    ] == "BUDGET_EXHAUSTED"


async def test_users_and_anonymous_callers_have_separate_budgets(own_address, small_budget):
    # given an anonymous caller that used up its budget
    small_budget(150, 1.0)
    await own_address.post("/graphql", json={"query": AFFORDABLE})
    refused = (await own_address.post("/graphql", json={"query": AFFORDABLE})).json()
    assert refused["errors"][0]["extensions"]["code"] == "BUDGET_EXHAUSTED"
    # when a logged-in parent asks from the same address
    t = await factories.tenant()
    token = await factories.token_for(t.parent)
    response = await own_address.post(
        "/graphql", json={"query": AFFORDABLE}, headers={"Authorization": f"Bearer {token}"}
    )
    # then the parent pays from their own budget
    assert "errors" not in response.json()


async def test_an_api_token_pays_from_its_own_budget(own_address, small_budget):
    # given an API token, and an address whose anonymous budget is used up
    small_budget(150, 1.0)
    org = await factories.organisation()
    admin = await factories.user(org, Role.ADMIN)
    issued = await api_tokens.create(await principal_of(admin), name="Dash", scopes=["news"])
    await own_address.post("/graphql", json={"query": AFFORDABLE})
    # when the token asks from the same address, twice
    headers = {"Authorization": f"Bearer {issued.secret}"}
    first = (await own_address.post("/graphql", json={"query": AFFORDABLE}, headers=headers)).json()
    second = (
        await own_address.post("/graphql", json={"query": AFFORDABLE}, headers=headers)
    ).json()
    # then the first is paid by the token, and the second finds the token's budget short
    assert "errors" not in first
    assert first["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] <= 28
    assert second["errors"][0]["extensions"]["code"] == "BUDGET_EXHAUSTED"


async def test_the_same_document_costs_what_its_variables_ask(db, gql):
    # given one document asked with two page sizes, each twice
    t = await factories.tenant()
    token = await factories.token_for(t.parent)
    query = """query ($n: Int) { viewer { children(first: $n) { edges { node {
      timeline(first: $n) { edges { node { __typename } } } } } } } }"""
    # when
    costs = [
        (await gql(query, {"n": n}, token=token))["extensions"]["cost"]["requestedQueryCost"]
        for n in (10, 10, 30, 30, 10)
    ]
    # then each time the cost of its own page sizes (known costs are reused per variables)
    assert costs == [2 + 10 * (2 + 10)] * 2 + [2 + 30 * (2 + 30)] * 2 + [2 + 10 * (2 + 10)]
