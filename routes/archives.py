"""GET /archives/<token>: a finished child archive (ZIP), through a signed, expiring URL."""

from __future__ import annotations

from contextlib import suppress

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from services import archives, media, storage


def _error(status: int, code: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code}}, status, headers={"Cache-Control": "no-store"})


async def download(request: Request) -> Response:
    try:
        found = await archives.open_download(request.path_params["token"])
    except archives.ArchiveUnavailable as exc:
        return _error(exc.status, exc.code)
    headers = {
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": media.content_disposition("attachment", found.filename),
    }
    store = storage.default_storage()
    path = store.path(found.key)
    if path is not None:
        if not path.is_file():
            return _error(404, "ARCHIVE_NOT_FOUND")
        return FileResponse(path, media_type="application/zip", headers=headers)
    with suppress(FileNotFoundError):
        return Response(await store.open(found.key), media_type="application/zip", headers=headers)
    return _error(404, "ARCHIVE_NOT_FOUND")


def routes() -> list[Route]:
    return [Route("/archives/{token}", download, methods=["GET"])]
