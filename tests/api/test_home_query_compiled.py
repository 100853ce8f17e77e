"""The home query computed by its compiled plan (schema.compiled_query) answers exactly what
graphql-core answers for the same parent, with every access rule; what the plan cannot
answer (a second timeline page, an error) graphql-core answers, as before."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

import settings
from models import MediaStatus, Role
from schema.extensions.compiled_execution import counters
from services import clock
from tests import factories, timeline_samples
from tests.diary_samples import set_now

HOME = (Path(__file__).parents[1] / "home_query.graphql").read_text()


@pytest.fixture(autouse=True)
def computed(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Every answer computed (no result cache), at one frozen moment (signed addresses carry
    their expiry: both ways must sign at the same second)."""
    monkeypatch.setattr(settings, "RESULT_CACHE", False)
    monkeypatch.setattr(settings, "COMPILED_QUERIES", True)
    set_now(clock.now())


async def two_families(t):  # type: ignore[no-untyped-def]
    """Parent A with two children (photo posts, a diary card, a pending file, a mentor with a
    photo), parent B with one child in A's first group; a group post about A's and B's."""
    parent_a = await factories.user(t.org, Role.PARENT)
    parent_b = await factories.user(t.org, Role.PARENT)
    staff = await factories.user(t.org, Role.STAFF)
    staff.photo = await timeline_samples.stored_photo(staff)
    await staff.save()
    group = await factories.group(t.org, t.location, "Rupsjes")
    await factories.assign(staff, group)
    first = await factories.child(t.org, guardians=[parent_a], grp=group)
    second = await factories.child(t.org, guardians=[parent_a], grp=group)
    other = await factories.child(t.org, guardians=[parent_b], grp=group)
    photo = await timeline_samples.stored_photo(staff)
    pending = await timeline_samples.stored_photo(staff)
    pending.status = MediaStatus.PENDING
    await pending.save()
    for hours in range(1, 4):
        await timeline_samples.photo_post(
            group, staff, [first], [photo, pending], posted_at=clock.now() - timedelta(hours=hours)
        )
    await timeline_samples.diary_card(second, group, staff, posted_at=clock.now())
    await timeline_samples.photo_post(
        group, staff, [first, second, other], [photo], posted_at=clock.now() - timedelta(hours=5)
    )
    return parent_a, parent_b


async def both_ways(gql, monkeypatch, query: str, token: str, variables=None):  # type: ignore[no-untyped-def]
    """(compiled answer, graphql-core answer, how the compiled counters moved); the answers
    as JSON texts without `extensions` (the caller's budget moves between the two), so the
    order of the keys counts too."""
    before = (counters.answered, counters.fell_back)
    compiled = await gql(query, variables, token=token)
    moved = (counters.answered - before[0], counters.fell_back - before[1])
    monkeypatch.setattr(settings, "COMPILED_QUERIES", False)
    executed = await gql(query, variables, token=token)
    monkeypatch.setattr(settings, "COMPILED_QUERIES", True)
    compiled.pop("extensions", None)
    executed.pop("extensions", None)
    assert json.dumps(compiled) == json.dumps(executed)
    return compiled, executed, moved


async def test_the_home_query_is_answered_by_its_plan_as_graphql_core_answers_it(
    db, gql, monkeypatch
):
    # given
    t = await factories.tenant()
    parent_a, _ = await two_families(t)
    token = await factories.token_for(parent_a)
    # when
    compiled, executed, moved = await both_ways(gql, monkeypatch, HOME, token)
    # then the plan answered, with graphql-core's answer
    assert moved == (1, 0)
    assert compiled == executed
    assert "errors" not in compiled
    children = compiled["data"]["viewer"]["children"]["edges"]
    assert len(children) == 2
    kinds = [e["node"]["__typename"] for c in children for e in c["node"]["timeline"]["edges"]]
    assert "DiaryEntry" in kinds and "PhotoPost" in kinds


async def test_a_parent_sees_only_their_own_children_through_the_plan(db, gql, monkeypatch):
    # given a group post about A's two children and B's child
    t = await factories.tenant()
    _, parent_b = await two_families(t)
    stranger = await factories.user((await factories.tenant("elders")).org, Role.PARENT)
    # when B and a parent of another organisation ask
    compiled_b, executed_b, moved_b = await both_ways(
        gql, monkeypatch, HOME, await factories.token_for(parent_b)
    )
    compiled_s, executed_s, moved_s = await both_ways(
        gql, monkeypatch, HOME, await factories.token_for(stranger)
    )
    # then B sees one child, and on the group post only that child
    assert moved_b == (1, 0) and compiled_b == executed_b
    (child,) = compiled_b["data"]["viewer"]["children"]["edges"]
    (post,) = child["node"]["timeline"]["edges"]
    assert [c["firstName"] for c in post["node"]["children"]] == [child["node"]["firstName"]]
    # and the stranger sees nothing of theirs
    assert moved_s == (1, 0) and compiled_s == executed_s
    assert compiled_s["data"]["viewer"]["children"]["edges"] == []


@pytest.mark.parametrize(
    "query",
    [
        # aliases, fragments on the object, on the union and inline, __typename everywhere
        """query Home($n: Int) { __typename me: viewer { user { ...Name }
           children(first: 1) { pageInfo { hasNextPage endCursor } edges { cursor node {
             __typename id lastName birthDate
             posts: timeline(first: $n) { edges { node { ...Item } } } } } } }
         }
         fragment Name on User { __typename id firstName }
         fragment Item on TimelineItem { __typename ... on PhotoPost { caption postedAt
           media { id kind contentType width height thumbnailUrl } } }""",
        # the mentor and the placements only
        """{ viewer { children { edges { node { mentor { id firstName lastName photo { url } }
           placements { id careType startDate endDate weeklySchedule { weekday start end }
             group { id careType location { id name phone } } } } } } } }""",
    ],
)
async def test_documents_of_the_home_screens_fields_answer_as_graphql_core(
    db, gql, monkeypatch, query
):
    # given
    t = await factories.tenant()
    parent_a, _ = await two_families(t)
    token = await factories.token_for(parent_a)
    # when
    compiled, executed, moved = await both_ways(gql, monkeypatch, query, token, {"n": 2})
    # then
    assert moved == (1, 0)
    assert compiled == executed
    assert "errors" not in compiled


async def test_the_next_page_by_a_variable_cursor_answers_as_graphql_core(db, gql, monkeypatch):
    # given the first page of a child's timeline
    t = await factories.tenant()
    parent_a, _ = await two_families(t)
    token = await factories.token_for(parent_a)
    query = """query ($after: String) { viewer { children(first: 1) { edges { node {
        timeline(first: 2, after: $after) { pageInfo { hasNextPage hasPreviousPage endCursor }
          edges { cursor node { ... on PhotoPost { id } } } } } } } } }"""
    first = await gql(query, {"after": None}, token=token)
    page = first["data"]["viewer"]["children"]["edges"][0]["node"]["timeline"]["pageInfo"]
    assert page["hasNextPage"]
    # when the next page is asked with its cursor
    compiled, executed, moved = await both_ways(
        gql, monkeypatch, query, token, {"after": page["endCursor"]}
    )
    # then
    assert moved == (1, 0)
    assert compiled == executed
    assert compiled["data"]["viewer"]["children"]["edges"][0]["node"]["timeline"]["edges"]


async def test_what_the_plan_cannot_answer_graphql_core_answers(db, gql, monkeypatch):
    # given a second timeline selection (not in the children's snapshot: it would load)
    t = await factories.tenant()
    parent_a, _ = await two_families(t)
    token = await factories.token_for(parent_a)
    query = """{ viewer { children { edges { node { a: timeline(first: 1) { edges { cursor } }
        b: timeline(first: 3) { edges { cursor } } } } } } }"""
    # when
    compiled, executed, moved = await both_ways(gql, monkeypatch, query, token)
    # then the plan gave up, and graphql-core's answer came back
    assert moved == (0, 1)
    assert compiled == executed
    edges = compiled["data"]["viewer"]["children"]["edges"][0]["node"]
    assert len(edges["a"]["edges"]) == 1 and len(edges["b"]["edges"]) == 3


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        # a variable of the wrong type: graphql-core's error
        ("query ($n: Int) { viewer { children(first: $n) { edges { cursor } } } }", {"n": "x"}),
        # a bad cursor: the resolver's INVALID_CURSOR error
        (
            '{ viewer { children { edges { node { timeline(after: "bm9wZQ") '
            "{ edges { cursor } } } } } } }",
            None,
        ),
    ],
)
async def test_errors_are_graphql_cores(db, gql, monkeypatch, query, variables):
    # given
    t = await factories.tenant()
    parent_a, _ = await two_families(t)
    token = await factories.token_for(parent_a)
    # when
    compiled, executed, moved = await both_ways(gql, monkeypatch, query, token, variables)
    # then
    assert moved[0] == 0
    assert compiled == executed
    assert compiled["errors"]


async def test_a_directive_leaves_the_document_to_graphql_core(db, gql, monkeypatch):
    # given
    t = await factories.tenant()
    parent_a, _ = await two_families(t)
    token = await factories.token_for(parent_a)
    query = "query ($x: Boolean!) { viewer { user @include(if: $x) { id } } }"
    # when
    compiled, executed, moved = await both_ways(gql, monkeypatch, query, token, {"x": True})
    # then no plan was made, and the answer is graphql-core's
    assert moved == (0, 0)
    assert compiled == executed
    assert compiled["data"]["viewer"]["user"]["id"]
