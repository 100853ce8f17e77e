"""The diary: Child.diary pages, the edit right of an entry, and the three mutations."""

from __future__ import annotations

from datetime import date, datetime

from resolvers.diary_loaders import DiaryPageKey
from schema.context import Info
from schema.errors import bad_input, forbidden, not_found, unauthenticated
from schema.ids import pk_of, to_global_id
from schema.relay import Connection, Edge, PageInfo, decode_cursor, encode_cursor, page_size
from schema.types.diary import DiaryEntry
from schema.types.diary_inputs import (
    DeleteDiaryEntryResult,
    DiaryEntryDeleted,
    DiaryEntryWritten,
    UpdateDiaryEntryInput,
    WriteDiaryEntryInput,
    WriteDiaryEntryResult,
)
from schema.types.refusal import Refused
from services import diary
from services.diary_pages import DiarySpot
from services.errors import AccessDenied, RefusedError
from services.principal import Principal
from subscriptions import hub


def _cursor(spot: DiarySpot) -> str:
    return encode_cursor(f"diary:{spot.date.isoformat()}:{spot.entry_id}")


def _spot(after: str | None) -> DiarySpot | None:
    if not after:
        return None
    kind, _, rest = decode_cursor(after).partition(":")
    day, _, entry_id = rest.partition(":")
    try:
        if kind != "diary":
            raise ValueError(kind)
        return DiarySpot(date.fromisoformat(day), int(entry_id))
    except ValueError:
        raise bad_input("INVALID_CURSOR", "Ongeldige cursor.", "Invalid cursor.") from None


async def child_diary(
    info: Info, child_pk: int, first: int | None, after: str | None
) -> Connection[DiaryEntry]:
    """Newest day first; empty when the child is not (or no longer) visible to the viewer."""
    loaders = info.context.loaders
    size, spot = page_size(first), _spot(after)
    if child_pk not in await loaders.visible_child_ids():
        return Connection(edges=[], page_info=PageInfo(False, False, None, None))
    key: DiaryPageKey = (child_pk, size, spot)
    page = await loaders.diary_page_by_child.load(key)
    entries = await loaders.diary_entry_by_id.load_many([s.entry_id for s in page.spots])
    edges = [
        Edge(cursor=_cursor(s), node=DiaryEntry.from_model(e))
        for s, e in zip(page.spots, entries, strict=True)
        if e is not None
    ]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next,
            has_previous_page=spot is not None,
            start_cursor=_cursor(page.spots[0]) if page.spots else None,
            end_cursor=_cursor(page.spots[-1]) if page.spots else None,
        ),
    )


async def can_edit(info: Info, author_pk: int | None, created_at: datetime) -> bool:
    principal = info.context.principal
    if principal is None or author_pk != principal.user_id:
        return False
    loaders = info.context.loaders
    organisation = await loaders.organisation_by_id.load(principal.organisation_id)
    tz = organisation.timezone if organisation else "Europe/Amsterdam"
    return diary.edit_window_open_at(created_at, await loaders.today(), tz)


def _principal(info: Info) -> Principal:
    principal = info.context.principal
    if principal is None:
        raise unauthenticated()
    return principal


def _denied(denied: AccessDenied) -> Exception:
    return not_found() if denied.code == "NOT_FOUND" else forbidden()


def _media(ids: list | None) -> list[int] | None:
    return None if ids is None else [pk_of(str(i), "Media") for i in ids]


async def write_diary_entry(info: Info, input: WriteDiaryEntryInput) -> WriteDiaryEntryResult:
    principal = _principal(info)
    try:
        entry = await diary.write_entry(
            principal,
            child_id=pk_of(str(input.child_id), "Child"),
            day=input.date,
            text=input.text,
            parts=input.parts.to_parts() if input.parts else None,
            media_ids=_media(input.media_ids) or [],
            publisher=hub.publisher(),
        )
    except RefusedError as refused:
        return Refused.of(refused.refusal, info.context.locale)
    except AccessDenied as denied:
        raise _denied(denied) from None
    return DiaryEntryWritten(entry=DiaryEntry.from_model(entry))


async def update_diary_entry(info: Info, input: UpdateDiaryEntryInput) -> WriteDiaryEntryResult:
    principal = _principal(info)
    try:
        entry = await diary.update_entry(
            principal,
            entry_id=pk_of(str(input.id), "DiaryEntry"),
            text=input.text,
            parts=input.parts.to_parts() if input.parts else None,
            media_ids=_media(input.media_ids),
            publisher=hub.publisher(),
        )
    except RefusedError as refused:
        return Refused.of(refused.refusal, info.context.locale)
    except AccessDenied as denied:
        raise _denied(denied) from None
    return DiaryEntryWritten(entry=DiaryEntry.from_model(entry))


async def delete_diary_entry(info: Info, id: str) -> DeleteDiaryEntryResult:
    principal = _principal(info)
    try:
        pk = await diary.delete_entry(
            principal, entry_id=pk_of(id, "DiaryEntry"), publisher=hub.publisher()
        )
    except RefusedError as refused:
        return Refused.of(refused.refusal, info.context.locale)
    except AccessDenied as denied:
        raise _denied(denied) from None
    return DiaryEntryDeleted(deleted_id=to_global_id("DiaryEntry", pk))
