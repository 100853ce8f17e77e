"""query figures { occupancy pendingDayRequests creditUsage messagingResponseTimes newsReach }:
for an API token with the field's scope, or a planner or admin; one organisation only."""

from __future__ import annotations

import pytest

from models import DayStatus, LedgerKind, Role
from schema.ids import to_global_id
from services import api_tokens
from tests import factories
from tests.agenda_helpers import (
    FRIDAY,
    MONDAY,
    THURSDAY,
    TUESDAY,
    at,
    credit_type,
    principal_of,
    set_now,
)
from tests.figures_samples import (
    conversation,
    day_request,
    entry,
    news_item,
    read,
    requested_day,
    utc,
)

OCCUPANCY = """
query($from: Date!, $to: Date!, $location: ID) {
  figures {
    occupancy(from: $from, to: $to, locationId: $location) {
      id name
      groups { id name capacity days { date planned absent extraRequested extraApproved } }
    }
  }
}"""
EVERYTHING = """
query {
  figures {
    pendingDayRequests {
      count requests oldestRequestedAt perLocation { name count oldestRequestedAt }
    }
    creditUsage(fromMonth: "2026-03", toMonth: "2026-04") {
      name months { month granted used reserved expired }
    }
    messagingResponseTimes(from: "2026-04-13", to: "2026-04-19") {
      name locationName conversations answered medianFirstReplySeconds
    }
    newsReach(first: 5) { title locationName audience readers }
  }
}"""
ALL_SCOPES = ("occupancy", "requests", "credits", "messaging_statistics", "news")


async def issue(org, scopes=ALL_SCOPES) -> str:
    admin = await principal_of(await factories.user(org, Role.ADMIN))
    return (await api_tokens.create(admin, name="Dashboard", scopes=list(scopes))).secret


async def _organisation(slug: str):
    """A tenant with one of every figure: a pending day, credit, a conversation, news."""
    t = await factories.tenant(slug)
    request = await day_request(t.org, utc(2026, 4, 18, 10))
    await requested_day(t.child, t.babies, FRIDAY, request=request)
    await requested_day(t.other_child, t.babies, TUESDAY, DayStatus.APPROVED)
    flex = await credit_type(t.org, "Flex")
    await entry(t.child, flex, LedgerKind.PURCHASE, 600, utc(2026, 3, 10, 12))
    await conversation(
        t.child, t.babies, (t.parent, utc(2026, 4, 14, 10)), (t.staff, utc(2026, 4, 14, 10, 15))
    )
    item = await news_item(t.org, f"Nieuws {slug}", utc(2026, 4, 10, 8))
    await read(item, t.parent)
    return t


async def _two():
    set_now(at(MONDAY))
    mine = await _organisation("hoera")
    theirs = await _organisation("elders")
    # the other organisation has more of everything
    await requested_day(theirs.child, theirs.babies, THURSDAY)
    await factories.child(theirs.org, grp=theirs.babies)
    return mine, theirs


EXPECTED = {
    "pendingDayRequests": {
        "count": 1,
        "requests": 1,
        "oldestRequestedAt": "2026-04-18T10:00:00+00:00",
        "perLocation": [
            {"name": "De Boomgaard", "count": 1, "oldestRequestedAt": "2026-04-18T10:00:00+00:00"}
        ],
    },
    "creditUsage": [
        {
            "name": "Flex",
            "months": [
                {"month": "2026-03", "granted": 600, "used": 0, "reserved": 0, "expired": 0},
                {"month": "2026-04", "granted": 0, "used": 0, "reserved": 0, "expired": 0},
            ],
        }
    ],
    "messagingResponseTimes": [
        {
            "name": "BSO Klavertje",
            "locationName": "De Boomgaard",
            "conversations": 0,
            "answered": 0,
            "medianFirstReplySeconds": None,
        },
        {
            "name": "Boompjes",
            "locationName": "De Boomgaard",
            "conversations": 1,
            "answered": 1,
            "medianFirstReplySeconds": 900,
        },
    ],
    "newsReach": [{"title": "Nieuws hoera", "locationName": None, "audience": 2, "readers": 1}],
}


async def test_a_token_sees_its_own_organisations_figures_only(db, gql):
    # given
    mine, _ = await _two()
    token = await issue(mine.org)
    # when
    result = await gql(EVERYTHING, token=token)
    # then
    assert "errors" not in result, result
    assert result["data"]["figures"] == EXPECTED


async def test_a_planner_sees_the_same_figures(db, gql):
    # given
    mine, _ = await _two()
    # when
    result = await gql(EVERYTHING, token=await factories.token_for(mine.planner))
    # then
    assert result["data"]["figures"] == EXPECTED


async def test_occupancy_for_a_token(db, gql):
    # given
    mine, _ = await _two()
    token = await issue(mine.org, ["occupancy"])
    variables = {"from": MONDAY.isoformat(), "to": FRIDAY.isoformat()}
    # when
    result = await gql(OCCUPANCY, variables, token=token)
    # then
    [location] = result["data"]["figures"]["occupancy"]
    assert (location["id"], location["name"]) == (
        to_global_id("Location", mine.location.id),
        "De Boomgaard",
    )
    bso, babies = location["groups"]
    assert babies["id"] == to_global_id("Group", mine.babies.id)
    assert [
        (d["date"], d["planned"], d["extraRequested"], d["extraApproved"]) for d in babies["days"]
    ] == [
        ("2026-04-20", 2, 0, 0),
        ("2026-04-21", 2, 0, 1),
        ("2026-04-22", 0, 0, 0),
        ("2026-04-23", 2, 0, 0),
        ("2026-04-24", 1, 1, 0),
    ]
    assert [d["planned"] for d in bso["days"]] == [2, 2, 0, 2, 0]


async def test_another_organisations_location_is_not_found(db, gql):
    # given
    mine, theirs = await _two()
    token = await issue(mine.org, ["occupancy"])
    variables = {
        "from": MONDAY.isoformat(),
        "to": FRIDAY.isoformat(),
        "location": to_global_id("Location", theirs.location.id),
    }
    # when
    result = await gql(OCCUPANCY, variables, token=token)
    # then
    assert result["data"] == {"figures": None}
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize(
    ("field", "scope"),
    [
        ('occupancy(from: "2026-04-20", to: "2026-04-24") { name }', "occupancy"),
        ("pendingDayRequests { count }", "requests"),
        ('creditUsage(fromMonth: "2026-01", toMonth: "2026-02") { name }', "credits"),
        (
            'messagingResponseTimes(from: "2026-04-13", to: "2026-04-19") { name }',
            "messaging_statistics",
        ),
        ("newsReach { title }", "news"),
    ],
)
async def test_each_field_needs_its_scope(db, gql, field, scope):
    # given a token with every scope but this one, and one with only this one
    set_now(at(MONDAY))
    t = await factories.tenant()
    without = await issue(t.org, [s for s in ALL_SCOPES if s != scope])
    only = await issue(t.org, [scope])
    query = f"{{ figures {{ {field} }} }}"
    # when
    refused = await gql(query, token=without)
    allowed = await gql(query, token=only)
    # then
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert refused["data"] == {"figures": None}
    assert "errors" not in allowed, allowed


@pytest.mark.parametrize("role", ["parent", "staff", None])
async def test_parents_staff_and_anonymous_get_no_figures(db, gql, role):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    user = {"parent": t.parent, "staff": t.staff}.get(role or "")
    token = await factories.token_for(user) if user else None
    # when
    result = await gql("{ figures { pendingDayRequests { count } } }", token=token)
    # then
    assert result["data"] == {"figures": None}
    assert "errors" not in result


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        (
            '{ figures { occupancy(from: "2026-04-24", to: "2026-04-20") { name } } }',
            "RANGE_BACKWARDS",
        ),
        (
            '{ figures { occupancy(from: "2026-01-01", to: "2026-12-31") { name } } }',
            "RANGE_TOO_LONG",
        ),
        (
            '{ figures { creditUsage(fromMonth: "2026-1", toMonth: "2026-02") { name } } }',
            "INVALID_MONTH",
        ),
        ("{ figures { newsReach(first: 1000) { title } } }", "INVALID_PAGE_SIZE"),
        (
            '{ figures { occupancy(from: "2026-04-20", to: "2026-04-24", locationId: "x") '
            "{ name } } }",
            "INVALID_ID",
        ),
    ],
)
async def test_bad_input_is_a_coded_error(db, gql, query, reason):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    token = await issue(t.org)
    # when
    result = await gql(query, token=token)
    # then
    [error] = result["errors"]
    assert (error["extensions"]["code"], error["extensions"]["reason"]) == (
        "BAD_USER_INPUT",
        reason,
    )


async def test_a_revoked_token_gets_no_figures(db, client):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    admin = await principal_of(await factories.user(t.org, Role.ADMIN))
    issued = await api_tokens.create(admin, name="Dashboard", scopes=list(ALL_SCOPES))
    await api_tokens.revoke(admin, issued.token.id)
    # when
    response = await client.post(
        "/graphql",
        json={"query": "{ figures { pendingDayRequests { count } } }"},
        headers={"Authorization": f"Bearer {issued.secret}"},
    )
    # then
    assert response.status_code == 401
    assert not (response.json().get("data") or {}).get("figures")
