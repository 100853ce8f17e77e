"""What news items and newsletters share: scope, feed, keyset paging, attachments, refusals.

A publication belongs to one organisation and is either organisation-wide (no location) or
for one location. A reader's feed holds the published, not withdrawn publications of their
organisation that are organisation-wide or for one of their locations, newest first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q

from models import (
    Location,
    MediaFile,
    MediaKind,
    NewsAttachment,
    NewsItem,
    Newsletter,
    NewsletterAttachment,
)
from services import clock, locations, media
from services.errors import AccessDenied, Refusal, RefusedError
from services.media_access import register_read_rule
from services.principal import Principal

TITLE_MAX = 200
MAX_ATTACHMENTS = 10
ATTACHMENT_KINDS = (MediaKind.PHOTO, MediaKind.VIDEO, MediaKind.DOCUMENT)

Publication = NewsItem | Newsletter


class _Unchanged:
    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Any = _Unchanged()
"""Default of optional update arguments: leave the stored value as it is."""


@dataclass(frozen=True, slots=True)
class Keyset:
    """A position in a newest-first list: strictly older than (`at`, `id`)."""

    at: datetime
    id: int


def refuse(code: str, nl: str, en: str, field: str | None = None) -> RefusedError:
    return RefusedError(Refusal(code, nl, en, {"field": field} if field else {}))


def require_back_office(principal: Principal) -> None:
    if not principal.is_back_office:
        raise AccessDenied("FORBIDDEN")


def clean_title(title: str) -> str:
    value = " ".join(title.split())
    if not value:
        raise refuse("TITLE_REQUIRED", "Geef een titel op.", "A title is required.", "title")
    if len(value) > TITLE_MAX:
        raise refuse(
            "TITLE_TOO_LONG",
            f"De titel mag hoogstens {TITLE_MAX} tekens lang zijn.",
            f"The title may be at most {TITLE_MAX} characters long.",
            "title",
        )
    return value


async def check_location(principal: Principal, location_id: int | None) -> int | None:
    """The location id when it is one of the principal's organisation (None: organisation-wide)."""
    if location_id is None:
        return None
    if not await Location.exists(id=location_id, organisation_id=principal.organisation_id):
        raise refuse(
            "LOCATION_NOT_FOUND",
            "Deze locatie bestaat niet in uw organisatie.",
            "This location does not exist in your organisation.",
            "locationId",
        )
    return location_id


def topic_of(organisation_id: int, location_id: int | None) -> str:
    """Who may be interested: the whole organisation or one location."""
    return f"location:{location_id}" if location_id else f"organisation:{organisation_id}"


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


async def checked_attachments(
    principal: Principal, media_ids: Sequence[int], already: Sequence[int] = ()
) -> list[int]:
    """The media ids to attach, in the given order, without duplicates.

    Files that are already attached stay without a new check; new ones must be ready, of the
    principal's organisation and uploaded by them (the media module decides and refuses).
    """
    ids = list(dict.fromkeys(media_ids))
    if len(ids) > MAX_ATTACHMENTS:
        raise refuse(
            "TOO_MANY_ATTACHMENTS",
            f"Voeg hoogstens {MAX_ATTACHMENTS} bijlagen toe.",
            f"Attach at most {MAX_ATTACHMENTS} files.",
            "attachmentIds",
        )
    new = [i for i in ids if i not in set(already)]
    if new:
        await media.ready_media_for(principal, new, set(ATTACHMENT_KINDS))
    return ids


async def replace_attachments(
    link_model: Any, owner_field: str, owner_id: int, media_ids: list[int], conn: BaseDBAsyncClient
) -> None:
    """Make the attachments of one publication exactly `media_ids` (in that order)."""
    await link_model.filter(**{owner_field: owner_id}).using_db(conn).delete()
    for media_id in media_ids:
        await link_model.create(**{owner_field: owner_id, "media_id": media_id}, using_db=conn)


def feed_query(model: Any, principal: Principal, location_ids: Sequence[int]) -> Any:
    """Published, not withdrawn publications the principal may read."""
    scope = Q(location_id__isnull=True)
    if location_ids:
        scope = scope | Q(location_id__in=list(location_ids))
    return model.filter(
        scope,
        organisation_id=principal.organisation_id,
        published_at__isnull=False,
        published_at__lte=clock.now(),
        withdrawn_at__isnull=True,
    )


async def feed_page(
    model: Any,
    principal: Principal,
    location_ids: Sequence[int],
    size: int,
    after: Keyset | None = None,
) -> tuple[list[Any], bool]:
    """One page of the feed, newest first (keyset on published_at, id), and has-next."""
    query = feed_query(model, principal, location_ids)
    if after is not None:
        at = utc(after.at)
        query = query.filter(Q(published_at__lt=at) | Q(published_at=at, id__lt=after.id))
    rows = await query.order_by("-published_at", "-id").limit(size + 1)
    return list(rows[:size]), len(rows) > size


async def visible_publication(
    model: Any, principal: Principal, pk: int, location_ids: Sequence[int]
) -> Any | None:
    """One publication: back office sees every one of their organisation (drafts and
    withdrawn ones too); readers only what is in their feed."""
    if principal.is_back_office:
        return await model.get_or_none(id=pk, organisation_id=principal.organisation_id)
    return await feed_query(model, principal, location_ids).get_or_none(id=pk)


async def managed_publication(model: Any, principal: Principal, pk: int) -> Any:
    """A publication a planner may change: of their organisation, else NOT_FOUND."""
    require_back_office(principal)
    row = await model.get_or_none(id=pk, organisation_id=principal.organisation_id)
    if row is None:
        raise AccessDenied("NOT_FOUND")
    return row


def refuse_if_withdrawn(row: Publication) -> None:
    if row.withdrawn_at is not None:
        raise refuse(
            "ALREADY_WITHDRAWN",
            "Dit bericht is al ingetrokken.",
            "This has already been withdrawn.",
        )


async def attachments_by_owner(
    link_model: Any, owner_field: str, owner_ids: Sequence[int]
) -> list[list[MediaFile]]:
    """Batch: the attached files of each publication, in attachment order."""
    links = (
        await link_model.filter(**{f"{owner_field}__in": list(owner_ids)})
        .select_related("media")
        .order_by("id")
    )
    grouped: dict[int, list[MediaFile]] = defaultdict(list)
    for link in links:
        grouped[getattr(link, owner_field)].append(link.media)
    return [grouped.get(i, []) for i in owner_ids]


async def attached_media_ids(link_model: Any, owner_field: str, owner_id: int) -> list[int]:
    return (
        await link_model.filter(**{owner_field: owner_id})
        .order_by("id")
        .values_list("media_id", flat=True)
    )


@register_read_rule
async def attachment_read_rule(principal: Principal, media: MediaFile) -> bool | None:
    """A file attached to news or newsletters: readable while one of them is in the feed."""
    news_ids = await NewsAttachment.filter(media_id=media.id).values_list("news_item_id", flat=True)
    letter_ids = await NewsletterAttachment.filter(media_id=media.id).values_list(
        "newsletter_id", flat=True
    )
    if not news_ids and not letter_ids:
        return None
    location_ids = await locations.location_ids_for(principal)
    for model, ids in ((NewsItem, news_ids), (Newsletter, letter_ids)):
        if ids and await feed_query(model, principal, location_ids).filter(id__in=ids).exists():
            return True
    return False
