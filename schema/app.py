"""The GraphQL ASGI app: authentication over HTTP (bearer header) and WebSocket
(`connection_init` payload), origins, limits."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL

import settings
from schema.context import Context
from services import api_tokens, auth
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

    async def get_context(self, request: Request | WebSocket, response: Any = None) -> Context:
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
                context.use(await auth.authenticate(token))
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
            context.use(principal)
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
