"""Queries over GET: cache headers (private when authenticated), ETag and 304; mutations over
GET are refused."""

from __future__ import annotations

import hashlib
import json
import uuid

import settings
from tests import factories

ABOUT = "{ about { apiVersion } }"
VIEWER = "{ viewer { user { name } } }"


async def test_an_anonymous_query_over_get_may_be_cached(client):
    # when
    response = await client.get("/graphql", params={"query": ABOUT})
    # then
    assert response.status_code == 200
    assert response.json()["data"] == {"about": {"apiVersion": "1.0"}}
    max_age = settings.GET_CACHE_MAX_AGE_SECONDS
    assert response.headers["cache-control"] == f"public, max-age={max_age}"
    # the same URL with a token means other data: caches must keep them apart
    assert "Authorization" in response.headers["vary"]
    assert response.headers["etag"].startswith('W/"')


async def test_an_authenticated_query_over_get_is_cached_privately(client, db):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.parent)
    # when
    response = await client.get(
        "/graphql", params={"query": VIEWER}, headers={"Authorization": f"Bearer {token}"}
    )
    # then: only the browser may keep it, never a shared cache
    assert response.json()["data"]["viewer"]["user"]["name"]
    cache_control = response.headers["cache-control"]
    assert cache_control.startswith("private, ") and "public" not in cache_control
    assert "Authorization" in response.headers["vary"]


async def test_an_unchanged_result_is_answered_with_304(client, db, monkeypatch):
    # The name below changes outside the API (no event): the result cache would answer
    # from memory for up to RESULT_CACHE_SECONDS (tests/api/test_home_query_cache.py).
    monkeypatch.setattr(settings, "RESULT_CACHE", False)
    # given a first answer with its ETag
    t = await factories.tenant()
    headers = {"Authorization": f"Bearer {await factories.token_for(t.parent)}"}
    first = await client.get("/graphql", params={"query": VIEWER}, headers=headers)
    etag = first.headers["etag"]
    # when the client asks again with it
    again = await client.get(
        "/graphql", params={"query": VIEWER}, headers={**headers, "If-None-Match": etag}
    )
    # then: no body, same validators (the budget in `extensions` does not change the ETag)
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert again.headers["cache-control"] == first.headers["cache-control"]
    # when the data changed, the full answer comes back
    t.parent.first_name = "Anders"
    await t.parent.save()
    changed = await client.get(
        "/graphql", params={"query": VIEWER}, headers={**headers, "If-None-Match": etag}
    )
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert changed.json()["data"]["viewer"]["user"]["name"].startswith("Anders")


async def test_errors_over_get_are_never_cached(client):
    response = await client.get("/graphql", params={"query": "{ nope }"})
    assert response.json()["errors"]
    assert response.headers["cache-control"] == "no-store"
    assert "etag" not in response.headers


async def test_post_answers_carry_no_cache_headers(client):
    response = await client.post("/graphql", json={"query": ABOUT})
    assert "cache-control" not in response.headers
    assert "etag" not in response.headers


async def test_a_mutation_over_get_is_refused_and_changes_nothing(client, db, gql):
    # given a logged-in parent
    t = await factories.tenant()
    token = await factories.token_for(t.parent)
    # when they try to log out over GET (a link could do this to them)
    response = await client.get(
        "/graphql",
        params={"query": "mutation { logout }"},
        headers={"Authorization": f"Bearer {token}"},
    )
    # then it is refused, and the session still works
    assert response.status_code == 400
    assert "mutations are not allowed when using get" in response.text.lower()
    still = await gql(VIEWER, token=token)
    assert still["data"]["viewer"]["user"]["name"]


async def test_a_persisted_mutation_over_get_is_refused_too(client, db, gql):
    # given a mutation stored as a persisted query (over POST, where mutations belong)
    t = await factories.tenant()
    token = await factories.token_for(t.parent)
    query = f"mutation Out{uuid.uuid4().hex} {{ logout }}"
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": sha256(query)}}
    await client.post("/graphql", json={"query": query, "extensions": extensions})
    # when it is sent by hash over GET
    response = await client.get(
        "/graphql",
        params={"extensions": json.dumps(extensions)},
        headers={"Authorization": f"Bearer {token}"},
    )
    # then
    assert response.status_code == 400
    assert (await gql(VIEWER, token=token))["data"]["viewer"]["user"]["name"]


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
