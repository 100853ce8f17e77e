"""GET /calendar/<token>.ics: the private iCalendar feed of a parent (see services.ics)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from services import ics


async def feed(request: Request) -> Response:
    text = await ics.feed(request.path_params["token"])
    if text is None:
        return PlainTextResponse("Not found. / Niet gevonden.", status_code=404)
    return Response(
        text,
        media_type="text/calendar; charset=utf-8",
        headers={
            "Cache-Control": "private, max-age=300",
            "Content-Disposition": 'inline; filename="opvang.ics"',
            "X-Robots-Tag": "noindex",
        },
    )


def routes() -> list[Route]:
    return [Route("/calendar/{token}.ics", feed, methods=["GET"])]
