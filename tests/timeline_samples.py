"""Builders for timeline test data: stored photos, photo posts and diary cards."""

from __future__ import annotations

from datetime import datetime

from models import (
    Child,
    DiaryEntry,
    Group,
    MediaFile,
    MediaKind,
    MediaStatus,
    TimelineItem,
    TimelineItemChild,
    TimelineKind,
    TimelineMedia,
    User,
)
from services import clock, media_processing, storage
from tests import media_samples


async def stored_photo(uploader: User, width: int = 64, height: int = 48) -> MediaFile:
    """A READY photo with real bytes and a thumbnail in storage."""
    photo = media_processing.process_photo(media_samples.jpeg(width, height))
    store = storage.default_storage()
    org = uploader.organisation_id  # type: ignore[attr-defined]
    key, thumb = storage.new_key(org, "photo", "jpg"), storage.new_key(org, "photo", "jpg")
    await store.save(key, photo.data)
    await store.save(thumb, photo.thumbnail)
    return await MediaFile.create(
        organisation_id=org,
        uploaded_by_id=uploader.id,
        kind=MediaKind.PHOTO,
        status=MediaStatus.READY,
        content_type="image/jpeg",
        filename="foto.jpg",
        size=len(photo.data),
        width=photo.width,
        height=photo.height,
        storage_key=key,
        thumbnail_key=thumb,
    )


async def photo_post(
    group: Group,
    author: User,
    children: list[Child],
    files: list[MediaFile],
    *,
    posted_at: datetime | None = None,
    caption: str = "Buiten spelen",
) -> TimelineItem:
    moment = posted_at or clock.now()
    item = await TimelineItem.create(
        organisation_id=group.organisation_id,  # type: ignore[attr-defined]
        kind=TimelineKind.PHOTO_POST,
        group=group,
        author=author,
        caption=caption,
        posted_at=moment,
    )
    for child in children:
        await TimelineItemChild.create(item=item, child=child, posted_at=moment)
    for position, file in enumerate(files):
        await TimelineMedia.create(item=item, media=file, position=position)
    return item


async def diary_card(
    child: Child, group: Group, author: User, *, posted_at: datetime | None = None, text="Fijn"
) -> tuple[DiaryEntry, TimelineItem]:
    moment = posted_at or clock.now()
    entry = await DiaryEntry.create(
        organisation_id=child.organisation_id,  # type: ignore[attr-defined]
        child=child,
        group=group,
        author=author,
        date=moment.date(),
        text=text,
        details={"mood": "vrolijk"},
    )
    item = await TimelineItem.create(
        organisation_id=child.organisation_id,  # type: ignore[attr-defined]
        kind=TimelineKind.DIARY,
        group=group,
        author=author,
        diary_entry=entry,
        posted_at=moment,
    )
    await TimelineItemChild.create(item=item, child=child, posted_at=moment)
    return entry, item
