"""The ASGI application: GraphQL over HTTP and WebSocket at /graphql, /healthz, /readyz,
/metrics."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Match, Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from tortoise import connections
from tortoise.contrib.starlette import RegisterTortoise

import db
import settings
from routes import archives as archive_routes
from routes import calendar as calendar_routes
from routes import media as media_routes
from routes import metrics as metrics_routes
from schema.app import graphql_app
from services import expiry, gc_tuning
from services.notifications import worker as notification_worker
from services.webhooks import worker as webhook_worker
from subscriptions import hub

logger = logging.getLogger("ouderlink")


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    settings.check_production_settings()
    await db.apply_migrations()
    async with RegisterTortoise(app, config=db.tortoise_config()):
        await hub.start(settings.REDIS_URL)
        expiring = (
            asyncio.create_task(
                expiry.run_forever(settings.EXPIRY_INTERVAL_SECONDS, hub.publisher),
                name="expire-day-requests",
            )
            if settings.EXPIRY_INTERVAL_SECONDS > 0
            else None
        )
        await notification_worker.start(hub.publisher())  # off: NOTIFICATIONS_WORKER=false
        await webhook_worker.start()  # off: WEBHOOKS_WORKER=false
        gc_tuning.tune_after_start(gc_tuning.parse_thresholds(settings.GC_THRESHOLDS))
        refreezing = (
            asyncio.create_task(
                gc_tuning.refreeze_forever(settings.GC_REFREEZE_SECONDS), name="gc-refreeze"
            )
            if settings.GC_REFREEZE_SECONDS > 0
            else None
        )
        try:
            yield
        finally:
            if refreezing is not None:
                refreezing.cancel()
                await asyncio.wait([refreezing])
            await webhook_worker.stop()
            await notification_worker.stop()
            if expiring is not None:
                expiring.cancel()
                await asyncio.wait([expiring])
            await hub.stop()


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    checks: dict[str, str] = {}
    try:
        await connections.get("default").execute_query("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # a readiness probe reports, it does not crash
        checks["database"] = f"error: {type(exc).__name__}"
    checks["broadcast"] = "ok" if await hub.is_healthy() else "error"
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse(
        {"status": "ok" if ready else "unavailable", **checks}, 200 if ready else 503
    )


class Ouderlink(Starlette):
    """Starlette, with GraphQL WebSockets dispatched before the middleware stack.

    Each middleware layer (errors, CORS, exceptions, router, route) is a coroutine frame
    kept for a connection's whole life: thousands of idle live connections pay for them
    in memory. None of them acts on a WebSocket to /graphql (CORS does not apply to
    WebSockets; strawberry checks the origin), so its route's app is called directly, with
    the scope the router would give it. HTTP requests, also to /graphql, and every other
    route go through the whole stack as before."""

    def __init__(self, *args: Any, live_route: WebSocketRoute, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.live_route = live_route

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # (A coroutine function: uvicorn tells ASGI 3 apps by it.)
        if scope["type"] == "websocket":
            match, child_scope = self.live_route.matches(scope)
            if match is Match.FULL:
                scope["app"] = self
                scope.setdefault("router", self.router)
                scope.update(child_scope)
                await self.live_route.app(scope, receive, send)
                return
        await super().__call__(scope, receive, send)


def create_app() -> Starlette:
    graphql = graphql_app()
    live_route = WebSocketRoute("/graphql", graphql)
    return Ouderlink(
        debug=False,
        live_route=live_route,
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            live_route,
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            *media_routes.routes(),
            *archive_routes.routes(),
            *calendar_routes.routes(),
            *metrics_routes.routes(),
        ],
        middleware=[
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.ALLOWED_ORIGINS),
                allow_methods=["GET", "POST", "PUT"],
                allow_headers=["Authorization", "Content-Type"],
                expose_headers=["Content-Disposition"],
            )
        ],
        lifespan=lifespan,
    )


app = create_app()


if __name__ == "__main__":
    import uvicorn

    from subscriptions import lean_protocol

    uvicorn.run(
        "server:app",
        host=settings.HOST,
        port=settings.PORT,
        ws=lean_protocol.PATH,  # uvicorn's WebSocket protocol, holding less per connection
        ws_per_message_deflate=settings.WS_PER_MESSAGE_DEFLATE,
    )
