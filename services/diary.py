"""Diary day-reports: who writes, edits and deletes them, and where they show.

- Staff write for a child placed today in one of their groups, when that group keeps a
  diary (`Group.keeps_diary`, an organisation setting); elsewhere DIARY_NOT_KEPT.
- Parents (guardians) write their own entry for their own child (e.g. how the night went);
  the entry belongs to the child's current diary-keeping group, so its staff and the other
  guardians see it.
- Only the author edits or deletes an entry, and only on the day they wrote it (in the
  organisation's time zone): a parent never touches a staff entry, nor staff a parent's.
- Every entry has one DIARY timeline item on the child's timeline, written, kept and
  removed in the same transaction as the entry, and an outbox event (`services.diary_events`)
  recorded last and published after commit: `diary_entry.added`, `.updated`, `.deleted`.
- Not a chat: there are no replies; questions go through `startConversation`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from models import (
    DiaryEntry,
    DiaryMedia,
    Group,
    MediaKind,
    Organisation,
    Placement,
    TimelineItem,
    TimelineItemChild,
    TimelineKind,
)
from services import access, clock, media
from services.diary_events import diary_entry_event
from services.diary_parts import DiaryParts, clean_text, details_of, refused
from services.errors import AccessDenied
from services.events import DomainEvent, Publisher, record
from services.principal import Principal

MAX_MEDIA = 20
MAX_DAYS_BACK = 7
MEDIA_KINDS = {MediaKind.PHOTO, MediaKind.VIDEO}
DIARY_ENTRY_DELETED = "diary_entry.deleted"


def diary_entry_deleted_event(entry: DiaryEntry) -> DomainEvent:
    """Like `diary_entry_event` (same topics, ids only), built before the row is deleted."""
    added = diary_entry_event(entry)
    return DomainEvent(
        DIARY_ENTRY_DELETED, added.topic, added.organisation_id, added.payload, added.audience
    )


async def _today(principal: Principal) -> tuple[date, str]:
    organisation = await Organisation.get(id=principal.organisation_id)
    return clock.today(organisation.timezone), organisation.timezone


async def _current_placements(child_id: int, today: date) -> list[Placement]:
    return await Placement.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today), child_id=child_id, start_date__lte=today
    ).order_by("start_date", "id")


async def _writer_placement(principal: Principal, child_id: int, today: date) -> Placement:
    """The child's current placement this principal writes in (the group of the entry)."""
    if not (principal.is_parent or principal.is_staff):
        raise AccessDenied("FORBIDDEN")  # the back office reads diaries, it does not write them
    if child_id not in set(await access.visible_child_ids(principal)):
        raise AccessDenied("NOT_FOUND")
    placements = await _current_placements(child_id, today)
    if principal.is_staff:
        mine = set(await access.staff_group_ids(principal, today))
        placements = [p for p in placements if p.group_id in mine]  # type: ignore[attr-defined]
        if not placements:
            raise refused(
                "CHILD_NOT_IN_YOUR_GROUP",
                "Je schrijft alleen in het dagboek van kinderen die nu in je groep zitten.",
                "You only write diary entries for children currently in your group.",
                field="childId",
            )
    if not placements:
        raise refused(
            "NO_CURRENT_GROUP",
            "Je kind zit op dit moment in geen enkele groep.",
            "Your child is not in any group at the moment.",
            field="childId",
        )
    groups = {
        g.id: g
        for g in await Group.filter(id__in=[p.group_id for p in placements])  # type: ignore[attr-defined]
    }
    keeping = [p for p in placements if groups[p.group_id].keeps_diary]  # type: ignore[attr-defined]
    if not keeping:
        raise refused(
            "DIARY_NOT_KEPT",
            "Deze groep houdt geen dagboek bij.",
            "This group does not keep a diary.",
            field="childId",
        )
    return keeping[0]


def _check_date(day: date, today: date, placement: Placement) -> None:
    if day > today:
        raise refused(
            "DATE_IN_FUTURE",
            "Je kunt niet vooruit schrijven.",
            "You cannot write about a day that has not come yet.",
            field="date",
        )
    if day < today - timedelta(days=MAX_DAYS_BACK):
        raise refused(
            "DATE_TOO_FAR_BACK",
            f"Je kunt tot {MAX_DAYS_BACK} dagen terug schrijven.",
            f"You can write up to {MAX_DAYS_BACK} days back.",
            field="date",
        )
    if day < placement.start_date:
        raise refused(
            "DATE_BEFORE_PLACEMENT",
            "Op die dag zat je kind nog niet in deze groep.",
            "The child was not in this group yet on that day.",
            field="date",
        )


async def _files(principal: Principal, media_ids: Sequence[int]) -> list:
    wanted = list(dict.fromkeys(media_ids))
    if len(wanted) > MAX_MEDIA:
        raise refused(
            "TOO_MANY_MEDIA",
            f"Maximaal {MAX_MEDIA} foto's of video's per verslag.",
            f"At most {MAX_MEDIA} photos or videos per entry.",
            field="mediaIds",
        )
    return await media.ready_media_for(principal, wanted, MEDIA_KINDS) if wanted else []


def _require_content(text: str, details: dict, files: list) -> None:
    if not text and not details and not files:
        raise refused(
            "EMPTY_DIARY_ENTRY",
            "Schrijf iets, vul een onderdeel in of voeg een foto toe.",
            "Write something, fill in a part or add a photo.",
            field="text",
        )


async def write_entry(
    principal: Principal,
    *,
    child_id: int,
    day: date | None,
    text: str | None,
    parts: DiaryParts | None,
    media_ids: Sequence[int],
    publisher: Publisher,
) -> DiaryEntry:
    """A new entry with its timeline item and `diary_entry.added`, in one commit."""
    today, _tz = await _today(principal)
    placement = await _writer_placement(principal, child_id, today)
    day = day or today
    _check_date(day, today, placement)
    body, details = clean_text(text), details_of(parts)
    files = await _files(principal, media_ids)
    _require_content(body, details, files)
    now = clock.now()
    async with in_transaction() as conn:
        entry = await DiaryEntry.create(
            organisation_id=principal.organisation_id,
            child_id=child_id,
            group_id=placement.group_id,  # type: ignore[attr-defined]
            author_id=principal.user_id,
            date=day,
            text=body,
            details=details,
            created_at=now,
            using_db=conn,
        )
        await _link_media(entry, files, conn)
        item = await TimelineItem.create(
            organisation_id=principal.organisation_id,
            kind=TimelineKind.DIARY,
            group_id=entry.group_id,  # type: ignore[attr-defined]
            author_id=principal.user_id,
            diary_entry_id=entry.id,
            posted_at=now,
            using_db=conn,
        )
        await TimelineItemChild.create(item=item, child_id=child_id, posted_at=now, using_db=conn)
        event = await record(diary_entry_event(entry), conn)
    await publisher.publish(event)
    return entry


async def _link_media(entry: DiaryEntry, files: list, conn: object) -> None:
    await DiaryMedia.bulk_create(
        [DiaryMedia(entry_id=entry.id, media_id=f.id, position=n) for n, f in enumerate(files)],
        using_db=conn,
    )


def edit_window_open_at(created_at: datetime, today: date, timezone: str) -> bool:
    """Authors edit on the day they wrote the entry (local date of `created_at`)."""
    return created_at.astimezone(ZoneInfo(timezone)).date() == today


async def _own_entry(principal: Principal, entry_id: int) -> DiaryEntry:
    entry = await DiaryEntry.get_or_none(id=entry_id, organisation_id=principal.organisation_id)
    if entry is None or entry.child_id not in set(await access.visible_child_ids(principal)):  # type: ignore[attr-defined]
        raise AccessDenied("NOT_FOUND")
    if entry.author_id != principal.user_id:  # type: ignore[attr-defined]
        raise refused(
            "NOT_YOUR_DIARY_ENTRY",
            "Alleen wie het verslag schreef, kan het wijzigen of verwijderen.",
            "Only the author of an entry can change or delete it.",
            field="id",
        )
    today, tz = await _today(principal)
    if not edit_window_open_at(entry.created_at, today, tz):
        raise refused(
            "DIARY_EDIT_WINDOW_CLOSED",
            "Een verslag kan alleen op de dag zelf worden gewijzigd of verwijderd.",
            "An entry can only be changed or deleted on the day it was written.",
            field="id",
        )
    return entry


async def update_entry(
    principal: Principal,
    *,
    entry_id: int,
    text: str | None,
    parts: DiaryParts | None,
    media_ids: Sequence[int] | None,
    publisher: Publisher,
) -> DiaryEntry:
    """The author replaces text, parts and (when given) the media, with `.updated`."""
    entry = await _own_entry(principal, entry_id)
    body, details = clean_text(text), details_of(parts)
    if media_ids is None:
        current = await DiaryMedia.filter(entry_id=entry.id).values_list("media_id", flat=True)
        files = await _files(principal, list(current))
    else:
        files = await _files(principal, media_ids)
    _require_content(body, details, files)
    async with in_transaction() as conn:
        entry.text, entry.details = body, details
        await entry.save(using_db=conn, update_fields=["text", "details", "updated_at"])
        if media_ids is not None:
            await DiaryMedia.filter(entry_id=entry.id).using_db(conn).delete()
            await _link_media(entry, files, conn)
        event = await record(diary_entry_event(entry, updated=True), conn)
    await publisher.publish(event)
    return entry


async def delete_entry(principal: Principal, *, entry_id: int, publisher: Publisher) -> int:
    """The author removes the entry and its timeline item, with `diary_entry.deleted`."""
    entry = await _own_entry(principal, entry_id)
    async with in_transaction() as conn:
        items = TimelineItem.filter(diary_entry_id=entry.id).using_db(conn)
        item_ids = await items.values_list("id", flat=True)
        await TimelineItemChild.filter(item_id__in=list(item_ids)).using_db(conn).delete()
        await TimelineItem.filter(id__in=list(item_ids)).using_db(conn).delete()
        await DiaryMedia.filter(entry_id=entry.id).using_db(conn).delete()
        event_source = diary_entry_deleted_event(entry)
        await DiaryEntry.filter(id=entry.id).using_db(conn).delete()
        event = await record(event_source, conn)
    await publisher.publish(event)
    return entry.id
