"""News: short plain-text items with attachments, published by planners, read by everyone in
scope. Reads are recorded once per user ("news reach")."""

from __future__ import annotations

from collections.abc import Sequence

from tortoise.exceptions import IntegrityError
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from models import NewsAttachment, NewsItem, NewsRead
from services import publication_lifecycle as lifecycle
from services import publishing
from services.events import Publisher
from services.principal import Principal
from services.publication_lifecycle import PublicationKind
from services.publishing import UNCHANGED, Keyset, refuse

BODY_MAX = 20_000


def clean_body(body: str) -> str:
    """Plain text: trimmed, Windows line ends normalised, not empty, not too long."""
    value = body.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not value:
        raise refuse("BODY_REQUIRED", "Schrijf een tekst.", "The text is required.", "body")
    if len(value) > BODY_MAX:
        raise refuse(
            "BODY_TOO_LONG",
            f"De tekst mag hoogstens {BODY_MAX} tekens lang zijn.",
            f"The text may be at most {BODY_MAX} characters long.",
            "body",
        )
    return value


NEWS = PublicationKind(
    model=NewsItem,
    attachment_model=NewsAttachment,
    attachment_key="news_item_id",
    event_prefix="news",
    payload_key="newsItemId",
    content_field="body",
    clean_content=clean_body,
)


async def publish(
    principal: Principal,
    *,
    title: str,
    body: str,
    location_id: int | None = None,
    attachment_ids: Sequence[int] = (),
    publisher: Publisher | None = None,
) -> NewsItem:
    """Publish a news item now, for the organisation or one location."""
    return await lifecycle.publish(
        NEWS,
        principal,
        title=title,
        content=body,
        location_id=location_id,
        attachment_ids=attachment_ids,
        publisher=publisher,
    )


async def update(
    principal: Principal,
    news_item_id: int,
    *,
    title: str | None = None,
    body: str | None = None,
    location_id: int | None = UNCHANGED,
    attachment_ids: Sequence[int] | None = None,
    publisher: Publisher | None = None,
) -> NewsItem:
    """Edit a news item that is not withdrawn; arguments left out stay as they are."""
    return await lifecycle.update(
        NEWS,
        principal,
        news_item_id,
        title=title,
        content=body,
        location_id=location_id,
        attachment_ids=attachment_ids,
        publisher=publisher,
    )


async def withdraw(
    principal: Principal, news_item_id: int, publisher: Publisher | None = None
) -> NewsItem:
    """Take a news item out of every feed (it stays stored, for the record)."""
    return await lifecycle.withdraw(NEWS, principal, news_item_id, publisher)


async def feed(
    principal: Principal, location_ids: Sequence[int], size: int, after: Keyset | None = None
) -> tuple[list[NewsItem], bool]:
    """The principal's news, newest first."""
    return await publishing.feed_page(NewsItem, principal, location_ids, size, after)


async def visible(
    principal: Principal, news_item_id: int, location_ids: Sequence[int]
) -> NewsItem | None:
    return await publishing.visible_publication(NewsItem, principal, news_item_id, location_ids)


async def mark_read(
    principal: Principal, news_item_id: int, location_ids: Sequence[int]
) -> NewsItem | None:
    """Record that the principal read the item (once); None when they may not see it."""
    item = await publishing.feed_query(NewsItem, principal, location_ids).get_or_none(
        id=news_item_id
    )
    if item is None:
        return None
    if not await NewsRead.exists(news_item_id=item.id, user_id=principal.user_id):
        try:
            async with in_transaction() as conn:
                await NewsRead.create(
                    news_item_id=item.id, user_id=principal.user_id, using_db=conn
                )
        except IntegrityError:
            pass  # read at the same moment in another request: already recorded
    return item


async def read_item_ids(user_id: int, news_item_ids: Sequence[int]) -> set[int]:
    """Batch: which of these items the user has read."""
    rows = await NewsRead.filter(user_id=user_id, news_item_id__in=list(news_item_ids)).values_list(
        "news_item_id", flat=True
    )
    return set(rows)


async def read_counts(news_item_ids: Sequence[int]) -> dict[int, int]:
    """Batch: how many users read each item (the reach)."""
    rows = (
        await NewsRead.filter(news_item_id__in=list(news_item_ids))
        .annotate(reads=Count("id"))
        .group_by("news_item_id")
        .values_list("news_item_id", "reads")
    )
    counts: dict[int, int] = dict.fromkeys(news_item_ids, 0)
    counts.update({item_id: reads for item_id, reads in rows})
    return counts


async def attachments(news_item_ids: Sequence[int]):
    """Batch: the attached files of each item."""
    return await publishing.attachments_by_owner(NewsAttachment, "news_item_id", news_item_ids)
