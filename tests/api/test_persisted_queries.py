"""Automatic persisted queries (Apollo's protocol), over POST and GET."""

from __future__ import annotations

import hashlib
import json
import uuid

import pytest

from services import redis_client
from tests.conftest import REDIS_URL


def unique_query() -> str:
    """A document no other test stored (the store outlives a test)."""
    return f"query Q{uuid.uuid4().hex} {{ about {{ apiVersion }} }}"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def persisted(hash_: str) -> dict:
    return {"persistedQuery": {"version": 1, "sha256Hash": hash_}}


async def post(client, body: dict) -> dict:
    response = await client.post("/graphql", json=body)
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_miss_then_the_document_then_hits(client):
    # given a document the server has never seen
    query = unique_query()
    # when the client sends only its hash
    miss = await post(client, {"extensions": persisted(sha256(query))})
    # then the server asks for the document, as Apollo clients expect
    assert miss["data"] is None
    assert miss["errors"][0]["message"] == "PersistedQueryNotFound"
    assert miss["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    # when it sends document and hash, the query runs and is stored
    stored = await post(client, {"query": query, "extensions": persisted(sha256(query))})
    assert stored["data"] == {"about": {"apiVersion": "1.0"}}
    # then the hash alone is enough from now on
    hit = await post(client, {"extensions": persisted(sha256(query))})
    assert hit["data"] == {"about": {"apiVersion": "1.0"}}
    assert hit["extensions"]["cost"]["requestedQueryCost"] == 1


async def test_a_hash_that_is_not_the_documents_is_refused_and_not_stored(client):
    # given a document sent with another document's hash
    query, other = unique_query(), unique_query()
    # when
    result = await post(client, {"query": query, "extensions": persisted(sha256(other))})
    # then nothing ran, and the hash still means nothing
    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"
    again = await post(client, {"extensions": persisted(sha256(other))})
    assert again["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


@pytest.mark.parametrize(
    "extension",
    [
        {"version": 2, "sha256Hash": "a" * 64},
        {"version": 1, "sha256Hash": "not-a-hash"},
        {"version": 1},
        "v1",
    ],
)
async def test_unsupported_versions_and_malformed_hashes_are_refused(client, extension):
    result = await post(client, {"extensions": {"persistedQuery": extension}})
    assert result["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_SUPPORTED"


async def test_the_protocol_works_over_get_with_short_urls(client):
    # given
    query = unique_query()
    extensions = json.dumps(persisted(sha256(query)))
    # when: a miss, the document, then the hash alone (no `query` in the URL)
    miss = await client.get("/graphql", params={"extensions": extensions})
    stored = await client.get("/graphql", params={"query": query, "extensions": extensions})
    hit = await client.get("/graphql", params={"extensions": extensions})
    # then (and a hash-only GET is not mistaken for a visit to the IDE)
    assert miss.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert miss.headers["cache-control"] == "no-store"  # a miss must not stick in a cache
    assert stored.json()["data"] == {"about": {"apiVersion": "1.0"}}
    assert hit.status_code == 200
    assert hit.json()["data"] == {"about": {"apiVersion": "1.0"}}


async def test_variables_and_operation_name_go_with_the_hash(client):
    query = (
        f"query Q{uuid.uuid4().hex}($first: Int) {{ viewer {{ children(first: $first) "
        "{ totalCount } } }"
    )
    body = {"query": query, "variables": {"first": 5}, "extensions": persisted(sha256(query))}
    assert "errors" not in await post(client, body)
    hit = await post(client, {"variables": {"first": 5}, "extensions": persisted(sha256(query))})
    assert hit["data"] == {"viewer": None}
    assert hit["extensions"]["cost"]["requestedQueryCost"] == 2


@pytest.mark.skipif(not REDIS_URL, reason="needs REDIS_URL")
async def test_with_redis_the_documents_are_shared_and_expire(client):
    # given
    query = unique_query()
    # when
    await post(client, {"query": query, "extensions": persisted(sha256(query))})
    # then every process finds it in Redis, for APQ_TTL_SECONDS
    redis = redis_client.shared_client()
    key = redis_client.key("apq", sha256(query))
    assert (await redis.get(key)).decode() == query
    assert 0 < await redis.ttl(key) <= 7 * 24 * 3600
