"""Newsletters: rich text (HTML, sanitised on write with an allow-list) with attachments,
published by planners for the organisation or one location."""

from __future__ import annotations

from collections.abc import Sequence

from models import Newsletter, NewsletterAttachment
from services import publication_lifecycle as lifecycle
from services import publishing
from services.events import Publisher
from services.principal import Principal
from services.publication_lifecycle import PublicationKind
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


NEWSLETTER = PublicationKind(
    model=Newsletter,
    attachment_model=NewsletterAttachment,
    attachment_key="newsletter_id",
    event_prefix="newsletter",
    payload_key="newsletterId",
    content_field="html",
    clean_content=clean_html,
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
    return await lifecycle.publish(
        NEWSLETTER,
        principal,
        title=title,
        content=html,
        location_id=location_id,
        attachment_ids=attachment_ids,
        publisher=publisher,
    )


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
    return await lifecycle.update(
        NEWSLETTER,
        principal,
        newsletter_id,
        title=title,
        content=html,
        location_id=location_id,
        attachment_ids=attachment_ids,
        publisher=publisher,
    )


async def withdraw(
    principal: Principal, newsletter_id: int, publisher: Publisher | None = None
) -> Newsletter:
    """Take a newsletter out of every feed (it stays stored, for the record)."""
    return await lifecycle.withdraw(NEWSLETTER, principal, newsletter_id, publisher)


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
