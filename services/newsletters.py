"""Newsletters: rich text (HTML, sanitised on write with an allow-list) with attachments,
published by planners for the organisation or one location."""

from __future__ import annotations

from collections.abc import Sequence

from tortoise.transactions import in_transaction

from models import Newsletter, NewsletterAttachment
from services import clock, events, publishing
from services.events import DomainEvent, NullPublisher, Publisher, StoredEvent
from services.principal import Principal
from services.publishing import UNCHANGED, Keyset, refuse
from services.sanitise import html_to_text, sanitise_html

HTML_MAX = 200_000


def clean_html(html: str) -> str:
    """The sanitised HTML; refused when too long or when nothing readable is left."""
    if len(html) > HTML_MAX:
        raise refuse(
            "CONTENT_TOO_LONG",
            f"De inhoud mag hoogstens {HTML_MAX} tekens lang zijn.",
            f"The content may be at most {HTML_MAX} characters long.",
            "html",
        )
    value = sanitise_html(html)
    if not html_to_text(value):
        raise refuse("CONTENT_REQUIRED", "Schrijf de inhoud.", "The content is required.", "html")
    return value


async def _record(kind: str, letter: Newsletter, conn) -> StoredEvent:
    return await events.record(
        DomainEvent(
            f"newsletter.{kind}",
            publishing.topic_of(letter.organisation_id, letter.location_id),  # type: ignore[attr-defined]
            letter.organisation_id,  # type: ignore[attr-defined]
            {"newsletterId": letter.id},
        ),
        conn,
    )


async def publish(
    principal: Principal,
    *,
    title: str,
    html: str,
    location_id: int | None = None,
    attachment_ids: Sequence[int] = (),
    publisher: Publisher | None = None,
) -> Newsletter:
    """Publish a newsletter now, for the organisation or one location."""
    publishing.require_back_office(principal)
    title = publishing.clean_title(title)
    html = clean_html(html)
    location_id = await publishing.check_location(principal, location_id)
    media_ids = await publishing.checked_attachments(principal, attachment_ids)
    async with in_transaction() as conn:
        letter = await Newsletter.create(
            organisation_id=principal.organisation_id,
            location_id=location_id,
            author_id=principal.user_id,
            title=title,
            html=html,
            published_at=clock.now(),
            using_db=conn,
        )
        await publishing.replace_attachments(
            NewsletterAttachment, "newsletter_id", letter.id, media_ids, conn
        )
        event = await _record("published", letter, conn)
    await (publisher or NullPublisher()).publish(event)  # after commit
    return letter


async def update(
    principal: Principal,
    newsletter_id: int,
    *,
    title: str | None = None,
    html: str | None = None,
    location_id: int | None = UNCHANGED,
    attachment_ids: Sequence[int] | None = None,
    publisher: Publisher | None = None,
) -> Newsletter:
    """Edit a newsletter that is not withdrawn; arguments left out stay as they are."""
    letter = await publishing.managed_publication(Newsletter, principal, newsletter_id)
    publishing.refuse_if_withdrawn(letter)
    if title is not None:
        letter.title = publishing.clean_title(title)
    if html is not None:
        letter.html = clean_html(html)
    if location_id is not UNCHANGED:
        letter.location_id = await publishing.check_location(principal, location_id)  # type: ignore[attr-defined]
    media_ids = None
    if attachment_ids is not None:
        current = await publishing.attached_media_ids(
            NewsletterAttachment, "newsletter_id", letter.id
        )
        media_ids = await publishing.checked_attachments(principal, attachment_ids, current)
    async with in_transaction() as conn:
        await letter.save(using_db=conn)
        if media_ids is not None:
            await publishing.replace_attachments(
                NewsletterAttachment, "newsletter_id", letter.id, media_ids, conn
            )
        event = await _record("updated", letter, conn)
    await (publisher or NullPublisher()).publish(event)  # after commit
    return letter


async def withdraw(
    principal: Principal, newsletter_id: int, publisher: Publisher | None = None
) -> Newsletter:
    """Take a newsletter out of every feed (it stays stored, for the record)."""
    letter = await publishing.managed_publication(Newsletter, principal, newsletter_id)
    publishing.refuse_if_withdrawn(letter)
    letter.withdrawn_at = clock.now()
    async with in_transaction() as conn:
        await letter.save(using_db=conn, update_fields=["withdrawn_at", "updated_at"])
        event = await _record("withdrawn", letter, conn)
    await (publisher or NullPublisher()).publish(event)  # after commit
    return letter


async def feed(
    principal: Principal, location_ids: Sequence[int], size: int, after: Keyset | None = None
) -> tuple[list[Newsletter], bool]:
    """The principal's newsletters, newest first."""
    return await publishing.feed_page(Newsletter, principal, location_ids, size, after)


async def visible(
    principal: Principal, newsletter_id: int, location_ids: Sequence[int]
) -> Newsletter | None:
    return await publishing.visible_publication(Newsletter, principal, newsletter_id, location_ids)


async def attachments(newsletter_ids: Sequence[int]):
    """Batch: the attached files of each newsletter."""
    return await publishing.attachments_by_owner(
        NewsletterAttachment, "newsletter_id", newsletter_ids
    )
