"""The GraphQL ASGI app: authentication over HTTP (bearer header) and WebSocket
(`connection_init` payload), origins, limits."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLRequestData
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET

import db_connection
import settings
from resolvers.lazy_loaders import LazyLoaders
from schema import persisted_queries
from schema.context import Context
from services import api_tokens, auth, json_text, request_auth
from subscriptions.ws import LegacyWSHandler, TransportWSHandler


def bearer_token(value: str | None) -> str:
    if not value:
        return ""
    scheme, _, token = value.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


class OuderlinkGraphQL(GraphQL[Context, None]):
    # Server pings, a connection_init timeout for the legacy protocol, a session check and
    # fresh loaders per operation: see subscriptions.ws.
    graphql_transport_ws_handler_class = TransportWSHandler
    graphql_ws_handler_class = LegacyWSHandler

    def encode_json(self, data: object) -> str:
        """Compact JSON as strawberry's, by orjson (services.json_text): a home screen answer
        is ~30-100 KB; WebSocket messages go through here too."""
        return json_text.dumps(data)

    # Persisted queries (APQ), registered-only tokens and GET caching: schema.persisted_queries.
    def should_render_graphql_ide(self, request: Any) -> bool:
        # A GET with only a persisted-query hash has no `query`, yet it is no IDE visit.
        extensions = request.query_params.get("extensions")
        return super().should_render_graphql_ide(request) and not extensions

    async def execute_single(
        self,
        request: Request,
        request_adapter: Any,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        resolved = await persisted_queries.resolve(request_data, context)
        if isinstance(resolved, ExecutionResult):
            result = resolved  # refused before anything ran
        else:
            result = await super().execute_single(
                request=request,
                request_adapter=request_adapter,
                sub_response=sub_response,
                context=context,
                root_value=root_value,
                request_data=resolved,
            )
        if request_adapter.method == "GET":
            persisted_queries.add_cache_headers(sub_response, context, result)
        return result

    # `run` and `__call__` hand a WebSocket's coroutine on without awaiting it: a frame of
    # ours would be kept for the connection's whole life (thousands of idle live sockets).
    def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        if isinstance(request, Request) and request.method == "GET":
            return self._run_get(request, context, root_value)
        return super().run(request, context, root_value)

    async def _run_get(self, request: Request, context: Any, root_value: Any) -> Any:
        response = await super().run(request, context, root_value)
        return persisted_queries.not_modified(request, response)

    def __call__(self, scope: Any, receive: Any, send: Any) -> Awaitable[None]:
        if scope["type"] != "http":
            return super().__call__(scope, receive, send)
        return self._call_http(scope, receive, send)

    async def _call_http(self, scope: Any, receive: Any, send: Any) -> None:
        """An HTTP request runs on one database connection, given back as its response starts
        (a streamed response reads on the pool): see db_connection."""
        async with db_connection.one_connection() as pinned:

            async def send_and_release(message: Any) -> None:
                if pinned is not None and message["type"] == "http.response.start":
                    await pinned.release()
                await send(message)

            await super().__call__(scope, receive, send_and_release)
        return None

    async def get_context(self, request: Request | WebSocket, response: Any = None) -> Context:
        if isinstance(request, WebSocket):
            # A live connection builds DataLoaders only when a delivery needs them (an eager
            # set is ~80 objects per socket, in reference cycles): resolvers/lazy_loaders.
            return Context(request=request, response=response, loaders=LazyLoaders(None))
        context = Context(request=request, response=response)
        if isinstance(request, Request):
            token = bearer_token(request.headers.get("authorization"))
            if token and api_tokens.looks_like_token(token):
                # A dashboard: no user (`principal` stays None), only the token's scopes.
                context.api_token = await api_tokens.authenticate(token)
                if context.api_token is None:
                    # Refused outright (not read as anonymous): a dashboard has no login to
                    # fall back to, and silent nulls would hide that its token was revoked.
                    context.api_token_rejected = True
                    if response is not None:
                        response.status_code = 401
                        response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
            elif token:
                # One statement: the session with the user, organisation, visible children.
                signed_in = await request_auth.authenticate_request(token)
                context.use(signed_in.principal if signed_in else None)
                if signed_in is not None:
                    context.authenticated = signed_in
                    context.loaders.prime_viewer(signed_in)
        return context

    async def on_ws_connect(self, context: Context) -> Any:
        """Authenticate from `connection_init`: {"authorization": "Bearer …"} or {"token": …}."""
        params = context.connection_params or {}
        if not isinstance(params, dict):
            raise ConnectionRejectionError({"code": "BAD_CONNECTION_PARAMS"})
        raw = params.get("authorization") or params.get("Authorization") or ""
        token = bearer_token(raw) if raw else str(params.get("token") or "")
        if api_tokens.looks_like_token(token):
            # API tokens read only: no subscriptions, so no socket at all.
            raise ConnectionRejectionError({"code": "TOKEN_READ_ONLY"})
        if token:
            principal = await auth.authenticate(token)
            if principal is None:
                raise ConnectionRejectionError({"code": "UNAUTHENTICATED"})
            context.principal = principal
            context.loaders = LazyLoaders(principal)  # (as context.use, without building them)
        context.connection_params = None  # read: not kept for the connection's whole life
        return None


def graphql_app() -> OuderlinkGraphQL:
    from schema import schema

    return OuderlinkGraphQL(
        schema,
        graphql_ide="graphiql" if settings.DEBUG else None,
        allow_queries_via_get=True,
        keep_alive=True,
        keep_alive_interval=settings.WS_KEEPALIVE_SECONDS,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL),
        connection_init_wait_timeout=timedelta(seconds=settings.WS_INIT_TIMEOUT_SECONDS),
        max_subscriptions_per_connection=settings.WS_MAX_SUBSCRIPTIONS,
        multipart_uploads_enabled=False,
        allowed_origins=list(settings.ALLOWED_ORIGINS),
    )
