"""The HTTP side of persisted queries, registered-only tokens and GET caching, for
`schema.app.OuderlinkGraphQL` (rules in services.persisted_queries / registered_queries).

`resolve` turns a request into the document to run (APQ: look up or store by hash) or into
an error result that is answered without running anything:

- PERSISTED_QUERY_NOT_FOUND (message "PersistedQueryNotFound", as Apollo clients expect):
  a hash without a document that the server does not know; send the document with it;
- PERSISTED_QUERY_HASH_MISMATCH: the document's SHA-256 is not the hash sent with it;
- PERSISTED_QUERY_NOT_SUPPORTED: an unknown `persistedQuery.version` or a malformed hash;
- QUERY_NOT_REGISTERED: the token's organisation allows registered queries only, and this
  document's hash is not registered for it.

Results of queries over GET carry `Cache-Control` (private when authenticated), `Vary` and a
weak `ETag` of their data and errors (not of `extensions`, whose budget changes every time).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any

from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

import settings
from schema.context import Context
from schema.errors import coded
from services import persisted_queries as apq
from services import registered_queries


def _error(code: str, message: str) -> ExecutionResult:
    return ExecutionResult(data=None, errors=[coded(code, message)])


def _not_found() -> ExecutionResult:
    # Apollo clients look for this message (older ones) or this code (newer ones).
    return ExecutionResult(
        data=None,
        errors=[
            GraphQLError(
                "PersistedQueryNotFound", extensions={"code": apq.PERSISTED_QUERY_NOT_FOUND}
            )
        ],
    )


async def resolve(
    data: GraphQLRequestData, context: Context
) -> GraphQLRequestData | ExecutionResult:
    """The request with its document filled in, or the error to answer with."""
    persisted = (data.extensions or {}).get("persistedQuery")
    token = context.api_token
    sha256: str | None = None
    if persisted is not None:
        if not isinstance(persisted, dict) or persisted.get("version") != apq.SUPPORTED_VERSION:
            return _error(
                apq.PERSISTED_QUERY_NOT_SUPPORTED,
                "Only persisted queries of version 1 are supported. / "
                "Alleen persisted queries van versie 1 worden ondersteund.",
            )
        sha256 = persisted.get("sha256Hash")
        if not apq.is_hash(sha256):
            return _error(
                apq.PERSISTED_QUERY_NOT_SUPPORTED,
                "`sha256Hash` must be 64 lowercase hexadecimal characters. / "
                "`sha256Hash` moet 64 kleine hexadecimale tekens zijn.",
            )
        if data.query is not None:
            if not await apq.store(sha256, data.query):
                return _error(
                    apq.PERSISTED_QUERY_HASH_MISMATCH,
                    "The query's SHA-256 is not the `sha256Hash` sent with it. / "
                    "De SHA-256 van de query is niet de meegestuurde `sha256Hash`.",
                )
        else:
            document = await apq.lookup(sha256)
            if document is None and token is not None:
                document = await registered_queries.registered_document(
                    token.organisation_id, sha256
                )
            if document is None:
                return _not_found()
            data = dataclasses.replace(data, query=document)
    if token is not None and token.registered_queries_only and data.query is not None:
        sha256 = sha256 or apq.sha256_of(data.query)
        if await registered_queries.registered_document(token.organisation_id, sha256) is None:
            return _error(
                registered_queries.QUERY_NOT_REGISTERED,
                "This organisation allows its API tokens registered queries only, and this "
                "query is not registered. / Deze organisatie staat API-tokens alleen "
                "geregistreerde queries toe, en deze query is niet geregistreerd.",
            )
    return data


def add_cache_headers(response: Response, context: Context, result: ExecutionResult) -> None:
    """A successful query over GET may be cached briefly: by the browser only when it was
    asked with credentials. Errors are never cached."""
    response.headers["Vary"] = "Authorization, Accept-Language"
    if result.errors:
        response.headers["Cache-Control"] = "no-store"
        return
    authenticated = context.principal is not None or context.api_token is not None
    scope = "private" if authenticated else "public"
    response.headers["Cache-Control"] = f"{scope}, max-age={settings.GET_CACHE_MAX_AGE_SECONDS}"
    body = json.dumps({"data": result.data}, sort_keys=True, separators=(",", ":"), default=str)
    response.headers["ETag"] = f'W/"{hashlib.sha256(body.encode()).hexdigest()[:32]}"'


def not_modified(request: Request, response: Response) -> Response:
    """304 instead of the body when the client already has this ETag (If-None-Match)."""
    etag = response.headers.get("etag")
    wanted = request.headers.get("if-none-match")
    if response.status_code != 200 or not etag or not wanted:
        return response
    tags = {t.strip().removeprefix("W/") for t in wanted.split(",")}
    if "*" not in tags and etag.removeprefix("W/") not in tags:
        return response
    headers: dict[str, Any] = {
        name: response.headers[name]
        for name in ("etag", "cache-control", "vary")
        if name in response.headers
    }
    return Response(status_code=304, headers=headers)
