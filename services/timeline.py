"""The timeline of a child: photo posts by staff and diary-entry cards, newest first.

A post can be about several children; `TimelineItemChild` links it to each of them and
copies `posted_at`, so one child's timeline is one index scan on (child_id, posted_at,
item_id). A parent only ever reaches a post through their own (visible) child, and the
children named on a post are filtered to those the viewer may see.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise import connections
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from models import (
    MediaFile,
    MediaKind,
    Organisation,
    Placement,
    TimelineItem,
    TimelineItemChild,
    TimelineKind,
    TimelineMedia,
)
from services import access, clock, media
from services.errors import AccessDenied, Refusal, RefusedError
from services.events import DomainEvent, NullPublisher, Publisher, StoredEvent, record
from services.principal import Principal

MAX_CAPTION = 2000
MAX_MEDIA = 30
MAX_CHILDREN = 40
ITEM_ADDED = "timeline.item_added"


@dataclass(frozen=True, slots=True, order=True)
class Position:
    """Where an item sits on a timeline: newest first by (posted_at, item_id)."""

    posted_at: datetime
    item_id: int


@dataclass(frozen=True, slots=True)
class Page:
    positions: list[Position]
    has_next: bool


def _refused(code: str, nl: str, en: str, **details: object) -> RefusedError:
    return RefusedError(Refusal(code, nl, en, dict(details)))


# --- reading ---------------------------------------------------------------------------


def _as_datetime(value: datetime | str) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def timeline_pages(
    child_ids: Sequence[int], size: int, after: Position | None = None
) -> dict[int, Page]:
    """The next `size` positions of each child's timeline after `after`, in ONE statement."""
    ids = sorted({int(c) for c in child_ids})
    pages: dict[int, Page] = {c: Page([], False) for c in ids}
    if not ids or size <= 0:
        return pages
    conn = connections.get("default")
    if conn.capabilities.dialect == "postgres":
        rows = await conn.execute_query_dict(*_postgres_sql(ids, size + 1, after))
    else:
        rows = await conn.execute_query_dict(*_sqlite_sql(ids, size + 1, after))
    found: dict[int, list[Position]] = defaultdict(list)
    for row in rows:
        found[int(row["child_id"])].append(
            Position(_as_datetime(row["posted_at"]), int(row["item_id"]))
        )
    for child_id, positions in found.items():
        positions.sort(reverse=True)
        pages[child_id] = Page(positions[:size], len(positions) > size)
    return pages


def _postgres_sql(ids: list[int], limit: int, after: Position | None) -> tuple[str, list]:
    """A LATERAL top-N per child: each child is one backwards index range scan."""
    keyset = "AND (l.posted_at, l.item_id) < ($3, $4)" if after else ""
    sql = f"""
        SELECT c.child_id, t.item_id, t.posted_at
        FROM unnest($1::int[]) AS c(child_id)
        CROSS JOIN LATERAL (
            SELECT l.item_id, l.posted_at FROM timeline_item_child l
            WHERE l.child_id = c.child_id {keyset}
            ORDER BY l.posted_at DESC, l.item_id DESC
            LIMIT $2
        ) t"""
    values: list = [ids, limit]
    if after:
        values += [after.posted_at.astimezone(UTC), after.item_id]
    return sql, values


# SQLite keeps aware datetimes as text with the offset they were written with (the demo
# writes Europe/Amsterdam, the services UTC), so text order is not time order. This key is
# the moment in UTC as "YYYY-MM-DD HH:MM:SS.ffffff": exact, and ordered as text.
_SQLITE_UTC_KEY = (
    "(strftime('%Y-%m-%d %H:%M:%S', substr(posted_at, 1, 19) || substr(posted_at, -6))"
    " || CASE WHEN substr(posted_at, 20, 1) = '.' THEN substr(posted_at, 20, 7)"
    " ELSE '.000000' END)"
)


def _sqlite_sql(ids: list[int], limit: int, after: Position | None) -> tuple[str, list]:
    """A window-function top-N per child, ordered by the UTC key above."""
    marks = ", ".join("?" for _ in ids)
    keyset = ""
    values: list = list(ids)
    if after:
        keyset = "WHERE (utc < ? OR (utc = ? AND item_id < ?))"
        moment = after.posted_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        values += [moment, moment, after.item_id]
    sql = f"""
        SELECT child_id, item_id, utc AS posted_at FROM (
            SELECT child_id, item_id, utc, ROW_NUMBER() OVER (
                PARTITION BY child_id ORDER BY utc DESC, item_id DESC
            ) AS rn
            FROM (
                SELECT child_id, item_id, {_SQLITE_UTC_KEY} AS utc
                FROM timeline_item_child WHERE child_id IN ({marks})
            ) {keyset}
        ) WHERE rn <= ?"""
    return sql, [*values, limit]


async def items_by_id(ids: Sequence[int]) -> list[TimelineItem | None]:
    rows = {i.id: i for i in await TimelineItem.filter(id__in=list(ids))}
    return [rows.get(i) for i in ids]


async def media_by_item(item_ids: Sequence[int]) -> list[list[MediaFile]]:
    """The files of each item, in their position order (one joined query)."""
    found: dict[int, list[MediaFile]] = defaultdict(list)
    links = (
        await TimelineMedia.filter(item_id__in=list(item_ids))
        .select_related("media")
        .order_by("item_id", "position", "id")
    )
    for link in links:
        found[link.item_id].append(link.media)  # type: ignore[attr-defined]
    return [found.get(i, []) for i in item_ids]


async def child_ids_by_item(item_ids: Sequence[int]) -> list[list[int]]:
    """Every child each item is about (callers filter by what the viewer may see)."""
    found: dict[int, list[int]] = defaultdict(list)
    rows = await TimelineItemChild.filter(item_id__in=list(item_ids)).values_list(
        "item_id", "child_id"
    )
    for item_id, child_id in sorted(rows):
        found[item_id].append(child_id)
    return [found.get(i, []) for i in item_ids]


# --- writing ---------------------------------------------------------------------------


async def _common_group(principal: Principal, child_ids: list[int]) -> int:
    """The one group of the staff member that every child is placed in today."""
    organisation = await Organisation.get(id=principal.organisation_id)
    today = clock.today(organisation.timezone)
    mine = set(await access.staff_group_ids(principal, today))
    placed: dict[int, set[int]] = defaultdict(set)
    rows = await Placement.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today),
        child_id__in=child_ids,
        organisation_id=principal.organisation_id,
        start_date__lte=today,
    ).values_list("child_id", "group_id")
    for child_id, group_id in rows:
        if group_id in mine:
            placed[child_id].add(group_id)
    for child_id in child_ids:
        if not placed.get(child_id):
            raise _refused(
                "CHILD_NOT_IN_YOUR_GROUP",
                "Je kunt alleen foto's plaatsen van kinderen uit je eigen groep.",
                "You can only post photos of children in your own group.",
                field="childIds",
            )
    common = set.intersection(*(placed[c] for c in child_ids))
    if not common:
        raise _refused(
            "CHILDREN_IN_DIFFERENT_GROUPS",
            "Alle kinderen van een bericht moeten in dezelfde groep zitten.",
            "All children of a post must be in the same group.",
            field="childIds",
        )
    return min(common)


async def create_photo_post(
    principal: Principal,
    *,
    child_ids: list[int],
    caption: str,
    media_ids: list[int],
    publisher: Publisher | None = None,
) -> tuple[TimelineItem, list[StoredEvent]]:
    """A staff member posts photos/videos about children of their group.

    One `timeline.item_added` event per child (topic `child:<id>`, ids only) is recorded in
    the same transaction and handed to `publisher` after commit (the relay publishes it
    otherwise).
    """
    if not principal.is_staff:
        raise AccessDenied("FORBIDDEN")  # only group staff post photos
    children = list(dict.fromkeys(child_ids))
    caption = (caption or "").strip()
    if not children:
        raise _refused(
            "NO_CHILDREN", "Kies minstens één kind.", "Choose at least one child.", field="childIds"
        )
    if len(children) > MAX_CHILDREN:
        raise _refused(
            "TOO_MANY_CHILDREN",
            f"Maximaal {MAX_CHILDREN} kinderen per bericht.",
            f"At most {MAX_CHILDREN} children per post.",
            field="childIds",
        )
    if not media_ids:
        raise _refused(
            "NO_MEDIA",
            "Voeg minstens één foto of video toe.",
            "Add at least one photo or video.",
            field="mediaIds",
        )
    if len(media_ids) > MAX_MEDIA:
        raise _refused(
            "TOO_MANY_MEDIA",
            f"Maximaal {MAX_MEDIA} foto's of video's per bericht.",
            f"At most {MAX_MEDIA} photos or videos per post.",
            field="mediaIds",
        )
    if len(caption) > MAX_CAPTION:
        raise _refused(
            "CAPTION_TOO_LONG",
            f"De tekst is te lang (maximaal {MAX_CAPTION} tekens).",
            f"The caption is too long (at most {MAX_CAPTION} characters).",
            field="caption",
        )
    group_id = await _common_group(principal, children)
    files = await media.ready_media_for(principal, media_ids, {MediaKind.PHOTO, MediaKind.VIDEO})
    now = clock.now()
    async with in_transaction() as conn:
        item = await TimelineItem.create(
            organisation_id=principal.organisation_id,
            kind=TimelineKind.PHOTO_POST,
            group_id=group_id,
            author_id=principal.user_id,
            caption=caption,
            posted_at=now,
            using_db=conn,
        )
        await TimelineItemChild.bulk_create(
            [TimelineItemChild(item=item, child_id=c, posted_at=now) for c in children],
            using_db=conn,
        )
        await TimelineMedia.bulk_create(
            [TimelineMedia(item=item, media=f, position=n) for n, f in enumerate(files)],
            using_db=conn,
        )
        events = [
            await record(
                DomainEvent(
                    ITEM_ADDED,
                    f"child:{child_id}",
                    principal.organisation_id,
                    {"itemId": item.id, "childId": child_id},
                ),
                conn,
            )
            for child_id in children
        ]
    for event in events:
        await (publisher or NullPublisher()).publish(event)
    return item, events
