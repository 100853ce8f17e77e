"""A child's timeline (keyset-paged through DataLoaders) and creating photo posts."""

from __future__ import annotations

from datetime import datetime

from models import TimelineKind
from resolvers.loaded import load_many
from resolvers.node import node_fetcher
from schema.context import Info
from schema.errors import bad_input, forbidden, unauthenticated
from schema.ids import pk_of
from schema.relay import Connection, Edge, PageInfo, decode_cursor, encode_cursor, page_size
from schema.types.diary import DiaryEntry
from schema.types.refusal import Refused
from schema.types.timeline import (
    CreatePhotoPostInput,
    CreatePhotoPostResult,
    PhotoPost,
    PhotoPostCreated,
    TimelineItemUnion,
)
from services import timeline
from services.errors import AccessDenied, RefusedError
from services.timeline import Position
from subscriptions import hub


def _cursor(position: Position) -> str:
    return encode_cursor(f"{position.posted_at.isoformat()}|{position.item_id}")


def timeline_position(after: str | None) -> Position | None:
    if not after:
        return None
    moment, _, item_id = decode_cursor(after).partition("|")
    try:
        position = Position(datetime.fromisoformat(moment), int(item_id))
    except ValueError:
        raise bad_input("INVALID_CURSOR", "Ongeldige cursor.", "Invalid cursor.") from None
    if position.posted_at.tzinfo is None:
        raise bad_input("INVALID_CURSOR", "Ongeldige cursor.", "Invalid cursor.")
    return position


async def child_timeline(
    info: Info, child_pk: int, first: int | None, after: str | None
) -> Connection[TimelineItemUnion]:
    """Newest first; empty when the child is not (or no longer) visible to the viewer."""
    loaders = info.context.loaders
    size, position = page_size(first), timeline_position(after)
    if child_pk not in await loaders.visible_child_ids():
        return Connection(edges=[], page_info=PageInfo(False, False, None, None))
    page = await loaders.timeline_page_by_child.load((child_pk, size, position))
    items = await load_many(loaders.timeline_item_by_id, [p.item_id for p in page.positions])
    diary_ids = [i.diary_entry_id for i in items if i and i.kind == TimelineKind.DIARY]
    entries = {
        e.id: e for e in await load_many(loaders.diary_entry_by_id, diary_ids) if e is not None
    }
    edges: list[Edge[TimelineItemUnion]] = []
    for spot, item in zip(page.positions, items, strict=True):
        node: PhotoPost | DiaryEntry | None = None
        if item is not None and item.kind == TimelineKind.PHOTO_POST:
            node = PhotoPost.from_model(item)
        elif item is not None and item.diary_entry_id in entries:  # type: ignore[attr-defined]
            node = DiaryEntry.from_model(entries[item.diary_entry_id], item.posted_at)  # type: ignore[attr-defined]
        if node is not None:
            edges.append(Edge(cursor=_cursor(spot), node=node))
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next,
            has_previous_page=position is not None,
            start_cursor=_cursor(page.positions[0]) if page.positions else None,
            end_cursor=_cursor(page.positions[-1]) if page.positions else None,
        ),
    )


@node_fetcher("PhotoPost")
async def photo_post_node(info: Info, pk: int) -> PhotoPost | None:
    """Only through a child the viewer may see."""
    loaders = info.context.loaders
    visible = set(await loaders.visible_child_ids())
    if not visible & set(await loaders.child_ids_by_timeline_item.load(pk)):
        return None
    item = await loaders.timeline_item_by_id.load(pk)
    if item is None or item.kind != TimelineKind.PHOTO_POST:
        return None
    return PhotoPost.from_model(item)


@node_fetcher("DiaryEntry")
async def diary_entry_node(info: Info, pk: int) -> DiaryEntry | None:
    loaders = info.context.loaders
    entry = await loaders.diary_entry_by_id.load(pk)
    if entry is None or entry.child_id not in set(await loaders.visible_child_ids()):  # type: ignore[attr-defined]
        return None
    return DiaryEntry.from_model(entry)


async def create_photo_post(info: Info, input: CreatePhotoPostInput) -> CreatePhotoPostResult:
    principal = info.context.principal
    if principal is None:
        raise unauthenticated()
    child_ids = [pk_of(i, "Child") for i in input.child_ids]
    media_ids = [pk_of(i, "Media") for i in input.media_ids]
    try:
        item, _events = await timeline.create_photo_post(
            principal,
            child_ids=child_ids,
            caption=input.caption,
            media_ids=media_ids,
            publisher=hub.publisher(),
        )
    except RefusedError as refused:
        return Refused.of(refused.refusal, info.context.locale)
    except AccessDenied:
        raise forbidden() from None
    return PhotoPostCreated(post=PhotoPost.from_model(item))
