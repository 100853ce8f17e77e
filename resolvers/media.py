"""Upload tickets: parse, call services.media, map the result."""

from __future__ import annotations

import strawberry

from models import MediaKind
from schema.context import Info
from schema.errors import unauthenticated
from schema.ids import to_global_id
from schema.types.media import CreateUploadInput, CreateUploadResult, UploadTicket
from schema.types.refusal import Refused
from services import media
from services.errors import RefusedError


async def create_upload(info: Info, input: CreateUploadInput) -> CreateUploadResult:
    principal = info.context.principal
    if principal is None:
        raise unauthenticated()
    try:
        ticket = await media.create_upload(
            principal,
            kind=MediaKind(input.kind),
            filename=input.filename,
            content_type=input.content_type,
            size=input.size,
        )
    except RefusedError as refused:
        return Refused.of(refused.refusal, info.context.locale)
    return UploadTicket(
        media_id=strawberry.ID(to_global_id("Media", ticket.media_id)),
        upload_url=ticket.upload_url,
        expires_at=ticket.expires_at,
        max_bytes=ticket.max_bytes,
    )
