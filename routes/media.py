"""HTTP endpoints for media bytes: PUT to a signed upload address, GET a signed download.

    PUT /media/upload/<token>   Authorization: Bearer <the uploader's session token>
    GET /media/<token>          (Authorization optional, see services.media)

Errors are JSON `{"error": {"code", "message", "messageNl", "messageEn"}}` with status 401,
403, 409, 413 or 415. Only parsing and streaming live here; the rules are in services.media.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from contextlib import suppress
from pathlib import Path

from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from schema.app import bearer_token
from schema.ids import to_global_id
from services import auth, media, storage
from services.media_processing import MediaRejected
from services.principal import Principal

CHUNK = 1024 * 1024


def error(status: int, code: str, en: str, nl: str) -> JSONResponse:
    body = {"code": code, "message": f"{en} / {nl}", "messageEn": en, "messageNl": nl}
    return JSONResponse({"error": body}, status, headers={"Cache-Control": "no-store"})


def rejected(exc: MediaRejected) -> JSONResponse:
    return error(exc.status, exc.code, exc.message_en, exc.message_nl)


async def _principal(request: Request) -> tuple[bool, Principal | None]:
    """(an Authorization header was sent, the principal it stands for)."""
    header = request.headers.get("authorization")
    if not header:
        return False, None
    return True, await auth.authenticate(bearer_token(header))


async def _receive(request: Request, limit: int) -> Path:
    """Stream the body into a temporary file, refusing anything above `limit` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise MediaRejected(413, "MEDIA_TOO_LARGE", "The file is too large.", "Te groot bestand.")
    fd, name = tempfile.mkstemp(prefix="ouderlink-upload-", suffix=".part")
    path = Path(name)
    received = 0
    try:
        with os.fdopen(fd, "wb") as handle:
            async for chunk in request.stream():
                received += len(chunk)
                if received > limit:
                    raise MediaRejected(
                        413, "MEDIA_TOO_LARGE", "The file is too large.", "Te groot bestand."
                    )
                handle.write(chunk)
    except (MediaRejected, ClientDisconnect):
        await asyncio.to_thread(path.unlink, True)
        raise
    return path


async def upload(request: Request) -> Response:
    sent, principal = await _principal(request)
    if principal is None:
        return error(
            401,
            "UNAUTHENTICATED",
            "Send your own bearer token with the upload." if not sent else "Log in first.",
            "Stuur je eigen bearer-token mee." if not sent else "Log eerst in.",
        )
    try:
        ticket = await media.open_upload(principal, request.path_params["token"])
        source = await _receive(request, ticket.max_bytes)
        try:
            done = await media.complete_upload(ticket, source)
        finally:
            await asyncio.to_thread(source.unlink, True)
    except MediaRejected as exc:
        return rejected(exc)
    except ClientDisconnect:
        return Response(status_code=400)
    return JSONResponse(
        {
            "mediaId": to_global_id("Media", done.id),
            "status": "READY",
            "contentType": done.content_type,
            "size": done.size,
            "width": done.width,
            "height": done.height,
        },
        headers={"Cache-Control": "no-store"},
    )


async def download(request: Request) -> Response:
    sent, principal = await _principal(request)
    if sent and principal is None:
        return error(403, "DOWNLOAD_FORBIDDEN", "Not allowed.", "Dit mag niet.")
    try:
        found = await media.open_download(request.path_params["token"], principal)
    except MediaRejected as exc:
        return rejected(exc)
    headers = {
        "Cache-Control": "private, max-age=300",
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": media.content_disposition(found.disposition, found.filename),
    }
    store = storage.default_storage()
    path = store.path(found.key)
    if path is not None:
        if not path.is_file():
            return error(404, "MEDIA_NOT_FOUND", "The file is gone.", "Het bestand is weg.")
        return FileResponse(path, media_type=found.content_type, headers=headers)
    with suppress(FileNotFoundError):
        return Response(await store.open(found.key), media_type=found.content_type, headers=headers)
    return error(404, "MEDIA_NOT_FOUND", "The file is gone.", "Het bestand is weg.")


def routes() -> list[Route]:
    return [
        Route("/media/upload/{token}", upload, methods=["PUT"]),
        Route("/media/{token}", download, methods=["GET"]),
    ]
