"""Publish, edit and withdraw: the lifecycle news items and newsletters share.

A `PublicationKind` names what differs between them (model, attachment table, event prefix,
the content field and how it is cleaned); the steps and their order are the same for both.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from tortoise.models import Model
from tortoise.transactions import in_transaction

from services import clock, events, publishing
from services.events import DomainEvent, NullPublisher, Publisher, StoredEvent
from services.principal import Principal
from services.publishing import UNCHANGED


@dataclass(frozen=True)
class PublicationKind:
    model: type[Model]
    attachment_model: type[Model]
    attachment_key: str  # the attachment table's column naming the publication
    event_prefix: str  # "news" gives news.published, news.updated, news.withdrawn
    payload_key: str  # the id in the event payload, e.g. "newsItemId"
    content_field: str  # "body" or "html"
    clean_content: Callable[[str], str]


async def _record(kind: PublicationKind, item: Any, action: str, conn) -> StoredEvent:
    return await events.record(
        DomainEvent(
            f"{kind.event_prefix}.{action}",
            publishing.topic_of(item.organisation_id, item.location_id),
            item.organisation_id,
            {kind.payload_key: item.id},
        ),
        conn,
    )


async def publish(
    kind: PublicationKind,
    principal: Principal,
    *,
    title: str,
    content: str,
    location_id: int | None,
    attachment_ids: Sequence[int],
    publisher: Publisher | None,
) -> Any:
    """Publish now, for the organisation or one location."""
    publishing.require_back_office(principal)
    title = publishing.clean_title(title)
    content = kind.clean_content(content)
    location_id = await publishing.check_location(principal, location_id)
    media_ids = await publishing.checked_attachments(principal, attachment_ids)
    async with in_transaction() as conn:
        item = await kind.model.create(
            organisation_id=principal.organisation_id,
            location_id=location_id,
            author_id=principal.user_id,
            title=title,
            published_at=clock.now(),
            using_db=conn,
            **{kind.content_field: content},
        )
        await publishing.replace_attachments(
            kind.attachment_model, kind.attachment_key, item.id, media_ids, conn
        )
        event = await _record(kind, item, "published", conn)
    await (publisher or NullPublisher()).publish(event)  # after commit
    return item


async def update(
    kind: PublicationKind,
    principal: Principal,
    item_id: int,
    *,
    title: str | None,
    content: str | None,
    location_id: int | object | None,
    attachment_ids: Sequence[int] | None,
    publisher: Publisher | None,
) -> Any:
    """Edit a publication that is not withdrawn; arguments left out stay as they are."""
    item: Any = await publishing.managed_publication(kind.model, principal, item_id)
    publishing.refuse_if_withdrawn(item)
    if title is not None:
        item.title = publishing.clean_title(title)
    if content is not None:
        setattr(item, kind.content_field, kind.clean_content(content))
    if location_id is not UNCHANGED:
        item.location_id = await publishing.check_location(principal, location_id)  # type: ignore[arg-type]
    media_ids = None
    if attachment_ids is not None:
        current = await publishing.attached_media_ids(
            kind.attachment_model, kind.attachment_key, item.id
        )
        media_ids = await publishing.checked_attachments(principal, attachment_ids, current)
    async with in_transaction() as conn:
        await item.save(using_db=conn)
        if media_ids is not None:
            await publishing.replace_attachments(
                kind.attachment_model, kind.attachment_key, item.id, media_ids, conn
            )
        event = await _record(kind, item, "updated", conn)
    await (publisher or NullPublisher()).publish(event)  # after commit
    return item


async def withdraw(
    kind: PublicationKind, principal: Principal, item_id: int, publisher: Publisher | None
) -> Any:
    """Take a publication out of every feed (it stays stored, for the record)."""
    item: Any = await publishing.managed_publication(kind.model, principal, item_id)
    publishing.refuse_if_withdrawn(item)
    item.withdrawn_at = clock.now()
    async with in_transaction() as conn:
        await item.save(using_db=conn, update_fields=["withdrawn_at", "updated_at"])
        event = await _record(kind, item, "withdrawn", conn)
    await (publisher or NullPublisher()).publish(event)  # after commit
    return item
