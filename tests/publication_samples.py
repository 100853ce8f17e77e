"""Helpers for the news, newsletter, document and location tests."""

from __future__ import annotations

from models import MediaFile, MediaKind, MediaStatus, User
from services import auth
from services.principal import Principal
from tests import factories

CONTENT_TYPES = {
    MediaKind.PHOTO: ("image/jpeg", "jpg"),
    MediaKind.VIDEO: ("video/mp4", "mp4"),
    MediaKind.DOCUMENT: ("application/pdf", "pdf"),
}


async def principal_of(user: User) -> Principal:
    principal = await auth.authenticate(await factories.token_for(user))
    assert principal is not None
    return principal


async def ready_file(
    user: User, kind: MediaKind = MediaKind.DOCUMENT, status: MediaStatus = MediaStatus.READY
) -> MediaFile:
    """A file row as a finished upload by `user` leaves it (bytes not needed for these rules)."""
    content_type, ext = CONTENT_TYPES[kind]
    return await MediaFile.create(
        organisation_id=user.organisation_id,
        uploaded_by_id=user.id,
        kind=kind,
        status=status,
        content_type=content_type,
        filename=f"bijlage.{ext}",
        size=100,
        storage_key=f"org-{user.organisation_id}/{kind.value}/{next(factories._seq)}.{ext}",
    )
