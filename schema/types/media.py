"""Stored files as the API shows them, and the signed-upload ticket."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from models import MediaFile
from models import MediaKind as MediaKindValue
from schema.context import Info
from schema.errors import unauthenticated
from schema.ids import to_global_id
from schema.types.refusal import Refused

MediaKind = strawberry.enum(MediaKindValue, name="MediaKind")


def _signed(info: Info, media: MediaFile, variant: str, disposition: str) -> str:
    principal = info.context.principal
    if principal is None:
        raise unauthenticated()
    return info.context.downloads(principal).url(media, variant, disposition)  # type: ignore[arg-type]


@strawberry.type(
    description="A photo, video or document. Its addresses are signed for the viewer only "
    "and expire after a few minutes: ask again rather than storing them."
)
class Media:
    model: strawberry.Private[MediaFile]
    # Encoded when asked (a home screen shows ~80 files and asks none of their ids).
    id: strawberry.ID = strawberry.field(resolver=lambda root: to_global_id("Media", root.model.id))
    kind: MediaKind
    content_type: str
    filename: str
    size: int = strawberry.field(description="In bytes.")
    width: int | None
    height: int | None

    @classmethod
    def from_model(cls, media: MediaFile) -> Media:
        return cls(
            model=media,
            kind=media.kind,
            content_type=media.content_type,
            filename=media.filename,
            size=media.size,
            width=media.width,
            height=media.height,
        )

    @strawberry.field(description="Full size, shown inline.")
    def url(self, info: Info) -> str:
        return _signed(info, self.model, "full", "inline")

    @strawberry.field(description="A small JPEG (at most 480 px); null for videos and PDFs.")
    def thumbnail_url(self, info: Info) -> str | None:
        if not self.model.thumbnail_key:
            return None
        return _signed(info, self.model, "thumbnail", "inline")

    @strawberry.field(description="Full size as an attachment: 'save to phone'.")
    def download_url(self, info: Info) -> str:
        return _signed(info, self.model, "full", "attachment")


@strawberry.input
class CreateUploadInput:
    kind: MediaKind
    filename: str
    content_type: str = strawberry.field(description="e.g. image/jpeg, video/mp4, application/pdf")
    size: int = strawberry.field(description="In bytes.")


@strawberry.type(
    description="PUT the bytes to `uploadUrl` (with your own Authorization header) before "
    "`expiresAt`; then use `mediaId` in a post, message, diary entry or document."
)
class UploadTicket:
    media_id: strawberry.ID
    upload_url: str
    expires_at: datetime
    max_bytes: int = strawberry.field(description="The declared size: the PUT may not exceed it.")


CreateUploadResult = Annotated[UploadTicket | Refused, strawberry.union("CreateUploadResult")]

__all__ = ["CreateUploadInput", "CreateUploadResult", "Media", "MediaKind", "UploadTicket"]
