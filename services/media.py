"""Media files: signed upload tickets, receiving the bytes, attaching, signed download URLs.

The flow:
1. `create_upload` (GraphQL `createUpload`) makes a PENDING MediaFile and a short-lived,
   signed PUT address `/media/upload/<token>` bound to the uploader.
2. The client PUTs the bytes there with its own bearer token. `complete_upload` sniffs the
   real type, re-encodes photos without metadata, makes a thumbnail, stores the files and
   marks the row READY.
3. Messages, diary entries, news and documents attach files with `ready_media_for`.
4. Reads hand out `download_url(...)`: a signed GET address `/media/<token>` bound to one
   user (and session), one file, one variant, one disposition, for a few minutes.
   `open_download` checks the signature, the expiry, the user (a bearer token in the
   request must be the same user; without one, the bound session must still be live) and,
   again, whether that user may still read the file (`services.media_access`).
"""

from __future__ import annotations

import asyncio
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from tortoise.expressions import Q

import settings
from models import MediaFile, MediaKind, MediaStatus, User
from services import auth, clock, media_access, media_processing, signing, storage
from services.errors import Refusal, RefusedError
from services.media_processing import MediaRejected
from services.principal import Principal

UPLOAD_PURPOSE = "media-upload"
DOWNLOAD_PURPOSE = "media-download"

Variant = Literal["full", "thumbnail"]
Disposition = Literal["inline", "attachment"]


def max_bytes(kind: MediaKind) -> int:
    return {
        MediaKind.PHOTO: settings.MEDIA_MAX_PHOTO_BYTES,
        MediaKind.VIDEO: settings.MEDIA_MAX_VIDEO_BYTES,
        MediaKind.DOCUMENT: settings.MEDIA_MAX_DOCUMENT_BYTES,
    }[kind]


def kinds_allowed(principal: Principal) -> set[MediaKind]:
    """Staff and parents upload photos and videos; the back office also documents."""
    if principal.is_back_office:
        return {MediaKind.PHOTO, MediaKind.VIDEO, MediaKind.DOCUMENT}
    return {MediaKind.PHOTO, MediaKind.VIDEO}


def _refusal(code: str, nl: str, en: str, **details: object) -> RefusedError:
    return RefusedError(Refusal(code, nl, en, dict(details)))


def clean_filename(name: str, fallback: str = "bestand") -> str:
    """The last path part, without control characters, quotes or slashes; at most 120 chars."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r'["<>:|?*;]', "_", name).strip(" .")
    return name[-120:] or fallback


def _public(path: str) -> str:
    return f"{settings.PUBLIC_URL.rstrip('/')}{path}"


@dataclass(frozen=True)
class UploadTicket:
    media: MediaFile
    upload_url: str
    expires_at: datetime
    max_bytes: int

    @property
    def media_id(self) -> int:
        return self.media.id


async def create_upload(
    principal: Principal, *, kind: MediaKind, filename: str, content_type: str, size: int
) -> UploadTicket:
    """A PENDING file and a signed PUT address for it; refuses what will never be accepted."""
    if kind not in kinds_allowed(principal):
        raise _refusal(
            "MEDIA_KIND_NOT_ALLOWED",
            "Dit soort bestand mag je niet uploaden.",
            "You may not upload this kind of file.",
            field="kind",
        )
    declared = media_processing.normalise_content_type(content_type)
    allowed = media_processing.ALLOWED_TYPES.get(declared)
    if allowed is None or allowed[0] is not kind:
        raise _refusal(
            "MEDIA_TYPE_NOT_ALLOWED",
            "Dit bestandstype wordt niet geaccepteerd.",
            "This file type is not accepted.",
            field="contentType",
        )
    limit = max_bytes(kind)
    if size <= 0:
        raise _refusal("MEDIA_EMPTY", "Het bestand is leeg.", "The file is empty.", field="size")
    if size > limit:
        raise _refusal(
            "MEDIA_TOO_LARGE",
            f"Het bestand is te groot (maximaal {limit // (1024 * 1024)} MB).",
            f"The file is too large (at most {limit // (1024 * 1024)} MB).",
            field="size",
            maxBytes=limit,
        )
    media = await MediaFile.create(
        organisation_id=principal.organisation_id,
        uploaded_by_id=principal.user_id,
        kind=kind,
        status=MediaStatus.PENDING,
        content_type=declared,
        filename=clean_filename(filename, f"bestand.{allowed[1]}"),
        size=size,
        storage_key=storage.new_key(principal.organisation_id, kind.value, allowed[1]),
    )
    expires_at = clock.now() + timedelta(seconds=settings.MEDIA_UPLOAD_TTL_SECONDS)
    token = signing.sign(UPLOAD_PURPOSE, {"m": media.id, "u": principal.user_id}, expires_at)
    return UploadTicket(media, _public(f"/media/upload/{token}"), expires_at, size)


@dataclass(frozen=True)
class OpenUpload:
    """A verified upload ticket: the PENDING file and the most bytes it may have (the size
    declared when the ticket was made, itself within the limit of its kind)."""

    media: MediaFile
    max_bytes: int


def _forbidden(code: str, en: str, nl: str) -> MediaRejected:
    return MediaRejected(403, code, en, nl)


async def open_upload(principal: Principal, token: str) -> OpenUpload:
    """Check an upload token: genuine, unexpired, this uploader's, still PENDING."""
    try:
        claims = signing.verify(UPLOAD_PURPOSE, token)
    except signing.SignatureExpired:
        raise _forbidden(
            "UPLOAD_URL_EXPIRED", "This upload address has expired.", "Dit uploadadres is verlopen."
        ) from None
    except signing.BadSignature:
        raise _forbidden(
            "UPLOAD_URL_INVALID", "This upload address is not valid.", "Ongeldig uploadadres."
        ) from None
    media = await MediaFile.get_or_none(
        id=claims.get("m"), organisation_id=principal.organisation_id
    )
    if claims.get("u") != principal.user_id or media is None:
        raise _forbidden(
            "UPLOAD_NOT_YOURS",
            "This upload address belongs to someone else.",
            "Dit uploadadres is van iemand anders.",
        )
    if media.status != MediaStatus.PENDING:
        raise MediaRejected(
            409, "UPLOAD_ALREADY_DONE", "This file was uploaded already.", "Dit is al geüpload."
        )
    return OpenUpload(media, min(media.size, max_bytes(media.kind)))


def _head_and_size(source: Path) -> tuple[bytes, int]:
    with source.open("rb") as handle:
        return handle.read(media_processing.SNIFF_BYTES), source.stat().st_size


def _process_photo(source: Path) -> media_processing.ProcessedPhoto:
    return media_processing.process_photo(source.read_bytes())


async def complete_upload(ticket: OpenUpload, source: Path) -> MediaFile:
    """Check and store the received bytes (a temporary file), then mark the file READY."""
    media = ticket.media
    head, size = await asyncio.to_thread(_head_and_size, source)
    if size == 0:
        raise MediaRejected(400, "MEDIA_EMPTY", "The file is empty.", "Het bestand is leeg.")
    if size > ticket.max_bytes:
        raise MediaRejected(413, "MEDIA_TOO_LARGE", "The file is too large.", "Te groot bestand.")
    real = media_processing.sniff(head)
    if real is None:
        raise media_processing.unsupported()
    if real != media.content_type:
        raise MediaRejected(
            415,
            "MEDIA_TYPE_MISMATCH",
            f"The file is {real}, not {media.content_type}.",
            f"Het bestand is {real}, geen {media.content_type}.",
        )
    store = storage.default_storage()
    org, kind = media.organisation_id, media.kind.value  # type: ignore[attr-defined]
    fields: dict[str, object] = {"status": MediaStatus.READY, "content_type": real}
    if media.kind is MediaKind.PHOTO:
        photo = await asyncio.to_thread(_process_photo, source)
        key = storage.new_key(org, kind, photo.extension)
        thumb = storage.new_key(org, kind, "jpg")
        await store.save(key, photo.data)
        await store.save(thumb, photo.thumbnail)
        fields.update(
            storage_key=key,
            thumbnail_key=thumb,
            content_type=photo.content_type,
            size=len(photo.data),
            width=photo.width,
            height=photo.height,
        )
        if photo.content_type != media.content_type:  # HEIC is stored as JPEG
            stem = media.filename.rsplit(".", 1)[0] or "foto"
            fields["filename"] = f"{stem}.{photo.extension}"
    else:
        key = storage.new_key(org, kind, media_processing.ALLOWED_TYPES[real][1])
        await store.save_file(key, source)
        fields.update(storage_key=key, size=size)
    updated = await MediaFile.filter(id=media.id, status=MediaStatus.PENDING).update(**fields)
    if not updated:  # a concurrent PUT on the same ticket won: keep theirs, drop ours
        for written in (fields["storage_key"], fields.get("thumbnail_key")):
            if written:
                await store.delete(str(written))
        raise MediaRejected(
            409, "UPLOAD_ALREADY_DONE", "This file was uploaded already.", "Dit is al geüpload."
        )
    return await MediaFile.get(id=media.id)


async def ready_media_for(
    principal: Principal, media_ids: list[int], kinds: set[MediaKind]
) -> list[MediaFile]:
    """The principal's own READY files, in the order asked, for attaching to something."""
    wanted = list(dict.fromkeys(media_ids))
    rows = {
        m.id: m
        for m in await MediaFile.filter(
            Q(id__in=wanted),
            organisation_id=principal.organisation_id,
            uploaded_by_id=principal.user_id,
        )
    }
    for media_id in wanted:
        media = rows.get(media_id)
        if media is None:
            raise _refusal(
                "MEDIA_NOT_FOUND",
                "Een bijlage bestaat niet (meer).",
                "An attachment does not exist.",
                field="mediaIds",
                mediaId=media_id,
            )
        if media.status != MediaStatus.READY:
            raise _refusal(
                "MEDIA_NOT_READY",
                "Een bijlage is nog niet (helemaal) geüpload.",
                "An attachment has not been uploaded (completely) yet.",
                field="mediaIds",
                mediaId=media_id,
            )
        if media.kind not in kinds:
            raise _refusal(
                "MEDIA_KIND_NOT_ALLOWED",
                "Dit soort bestand kan hier niet worden bijgevoegd.",
                "This kind of file cannot be attached here.",
                field="mediaIds",
                mediaId=media_id,
            )
    return [rows[i] for i in wanted]


def download_url(
    media: MediaFile,
    *,
    user_id: int,
    variant: Variant = "full",
    disposition: Disposition = "inline",
    ttl_seconds: int | None = None,
    session_id: int | None = None,
) -> str:
    """A signed GET address for one user; with `session_id`, logging out revokes it too."""
    if variant == "thumbnail" and not media.thumbnail_key:
        raise ValueError("this file has no thumbnail")
    ttl = settings.MEDIA_DOWNLOAD_TTL_SECONDS if ttl_seconds is None else ttl_seconds
    claims: dict[str, object] = {
        "m": media.id,
        "u": user_id,
        "v": "t" if variant == "thumbnail" else "f",
        "d": "a" if disposition == "attachment" else "i",
    }
    if session_id:
        claims["s"] = session_id
    token = signing.sign(DOWNLOAD_PURPOSE, claims, clock.now() + timedelta(seconds=ttl))
    return _public(f"/media/{token}")


@dataclass(frozen=True)
class Download:
    """What the GET endpoint serves."""

    key: str
    content_type: str
    filename: str
    disposition: Disposition


def content_disposition(disposition: Disposition, filename: str) -> str:
    """`attachment` or `inline`, with an ASCII fallback name and the UTF-8 name (RFC 6266)."""
    ascii_name = (
        unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode() or "bestand"
    )
    ascii_name = re.sub(r"[^A-Za-z0-9._ -]", "_", ascii_name)
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _denied(code: str = "DOWNLOAD_FORBIDDEN") -> MediaRejected:
    return _forbidden(code, "You may not open this file.", "Je mag dit bestand niet openen.")


async def open_download(token: str, bearer_principal: Principal | None) -> Download:
    """Check a download token and the reader; raises MediaRejected (403) otherwise."""
    try:
        claims = signing.verify(DOWNLOAD_PURPOSE, token)
    except signing.SignatureExpired:
        raise _denied("DOWNLOAD_URL_EXPIRED") from None
    except signing.BadSignature:
        raise _denied("DOWNLOAD_URL_INVALID") from None
    user_id = claims.get("u")
    if bearer_principal is not None:
        if bearer_principal.user_id != user_id:
            raise _denied()
        principal = bearer_principal
    else:
        session_id = claims.get("s")
        if session_id is not None and not await auth.session_is_live(int(session_id)):
            raise _denied()
        user = await User.get_or_none(id=user_id, is_active=True)
        if user is None:
            raise _denied()
        principal = Principal(
            user_id=user.id,
            organisation_id=user.organisation_id,  # type: ignore[attr-defined]
            role=user.role,
            session_id=int(session_id or 0),
            locale=user.locale,
        )
    media = await MediaFile.get_or_none(id=claims.get("m"))
    if media is None or not await media_access.may_read(principal, media):
        raise _denied()
    thumbnail = claims.get("v") == "t"
    key = media.thumbnail_key if thumbnail else media.storage_key
    if not key:
        raise _denied()
    filename = media.filename or f"bestand-{media.id}"
    if thumbnail:
        filename = f"{filename.rsplit('.', 1)[0]}-klein.jpg"
    return Download(
        key=key,
        content_type="image/jpeg" if thumbnail else media.content_type,
        filename=filename,
        disposition="attachment" if claims.get("d") == "a" else "inline",
    )
