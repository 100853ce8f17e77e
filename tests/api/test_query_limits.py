"""Query limits: depth, aliases and tokens are bounded before anything runs."""

from __future__ import annotations

import settings


async def test_a_too_deep_query_is_refused_before_it_runs(db, gql):
    # given: nesting deeper than MAX_QUERY_DEPTH (the depth rule runs with validation)
    depth = settings.MAX_QUERY_DEPTH + 1
    query = "{ viewer { " + "children { edges { node { " * depth + "id" + " } } }" * depth + " } }"
    # when
    result = await gql(query)
    # then
    messages = [e["message"] for e in result["errors"]]
    assert any("exceeds maximum operation depth" in m for m in messages)
    assert result.get("data") is None


async def test_a_query_within_the_depth_limit_runs(db, gql):
    result = await gql("{ viewer { children { edges { node { id } } } } about { apiVersion } }")
    assert "errors" not in result


async def test_too_many_aliases_are_refused(db, gql):
    # given
    aliases = " ".join(f"a{i}: about {{ apiVersion }}" for i in range(settings.MAX_ALIASES + 1))
    # when
    result = await gql("{ " + aliases + " }")
    # then
    assert "aliases found" in result["errors"][0]["message"]


async def test_too_many_tokens_are_refused(db, gql):
    # given
    fields = " ".join("__typename" for _ in range(settings.MAX_TOKENS + 1))
    # when
    result = await gql("{ " + fields + " }")
    # then
    assert "token" in result["errors"][0]["message"].lower()
