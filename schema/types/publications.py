"""News items and newsletters, and the planner's mutations on them."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry

from models import NewsItem as NewsItemModel
from models import Newsletter as NewsletterModel
from schema.context import Info
from schema.ids import to_global_id
from schema.relay import Node
from schema.types.locations import Location
from schema.types.media import Media
from schema.types.refusal import Refused
from services.sanitise import sanitise_html


@strawberry.enum(description="Where a news item or newsletter stands.")
class PublicationStatus(Enum):
    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


def _status(published_at: datetime | None, withdrawn_at: datetime | None) -> PublicationStatus:
    if withdrawn_at is not None:
        return PublicationStatus.WITHDRAWN
    return PublicationStatus.PUBLISHED if published_at is not None else PublicationStatus.DRAFT


async def _location(info: Info, location_pk: int | None) -> Location | None:
    if location_pk is None:
        return None
    location = await info.context.loaders.location_by_id.load(location_pk)
    return Location.from_model(location) if location else None


@strawberry.type(description="A news item: plain text, for the organisation or one location.")
class NewsItem(Node):
    pk: strawberry.Private[int]
    location_pk: strawberry.Private[int | None]
    title: str
    body: str = strawberry.field(description="Plain text; paragraphs separated by blank lines.")
    published_at: datetime | None
    withdrawn_at: datetime | None
    status: PublicationStatus

    @classmethod
    def from_model(cls, item: NewsItemModel) -> NewsItem:
        return cls(
            id=strawberry.ID(to_global_id("NewsItem", item.id)),
            pk=item.id,
            location_pk=item.location_id,  # type: ignore[attr-defined]
            title=item.title,
            body=item.body,
            published_at=item.published_at,
            withdrawn_at=item.withdrawn_at,
            status=_status(item.published_at, item.withdrawn_at),
        )

    @strawberry.field(description="The location it is for; null when organisation-wide.")
    async def location(self, info: Info) -> Location | None:
        return await _location(info, self.location_pk)

    @strawberry.field(description="The paperclip: true when files are attached.")
    async def has_attachments(self, info: Info) -> bool:
        return bool(await info.context.loaders.news_attachments_by_news_item.load(self.pk))

    @strawberry.field(description="The attached files, each with a signed download address.")
    async def attachments(self, info: Info) -> list[Media]:
        files = await info.context.loaders.news_attachments_by_news_item.load(self.pk)
        return [Media.from_model(m) for m in files]

    @strawberry.field(description="Whether the viewer has read it (see `markNewsRead`).")
    async def is_read(self, info: Info) -> bool:
        return await info.context.loaders.news_read_by_news_item.load(self.pk)

    @strawberry.field(description="How many people read it (the reach); planners and admins only.")
    async def read_count(self, info: Info) -> int | None:
        principal = info.context.principal
        if principal is None or not principal.is_back_office:
            return None
        return await info.context.loaders.news_read_count_by_news_item.load(self.pk)


@strawberry.type(description="A newsletter: rich text (sanitised HTML), safe to render.")
class Newsletter(Node):
    pk: strawberry.Private[int]
    location_pk: strawberry.Private[int | None]
    title: str
    html: str = strawberry.field(
        description="Sanitised on the server with an allow-list: formatting, lists, tables "
        "and http(s)/mailto links only; never a script, handler, style or remote-loading tag."
    )
    published_at: datetime | None
    withdrawn_at: datetime | None
    status: PublicationStatus

    @classmethod
    def from_model(cls, letter: NewsletterModel) -> Newsletter:
        return cls(
            id=strawberry.ID(to_global_id("Newsletter", letter.id)),
            pk=letter.id,
            location_pk=letter.location_id,  # type: ignore[attr-defined]
            title=letter.title,
            # Sanitised on write; again on read for rows written around the service.
            html=sanitise_html(letter.html),
            published_at=letter.published_at,
            withdrawn_at=letter.withdrawn_at,
            status=_status(letter.published_at, letter.withdrawn_at),
        )

    @strawberry.field(description="The location it is for; null when organisation-wide.")
    async def location(self, info: Info) -> Location | None:
        return await _location(info, self.location_pk)

    @strawberry.field(description="The paperclip: true when files are attached.")
    async def has_attachments(self, info: Info) -> bool:
        loader = info.context.loaders.newsletter_attachments_by_newsletter
        return bool(await loader.load(self.pk))

    @strawberry.field(description="The attached files, each with a signed download address.")
    async def attachments(self, info: Info) -> list[Media]:
        loader = info.context.loaders.newsletter_attachments_by_newsletter
        return [Media.from_model(m) for m in await loader.load(self.pk)]


@strawberry.input
class PublishNewsInput:
    title: str
    body: str
    location_id: strawberry.ID | None = strawberry.field(
        default=None, description="Null: for the whole organisation."
    )
    attachment_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Ready media uploaded by you (at most 10)."
    )


@strawberry.input(description="Fields left out stay as they are; `locationId: null` means all.")
class UpdateNewsInput:
    id: strawberry.ID
    title: str | None = strawberry.UNSET
    body: str | None = strawberry.UNSET
    location_id: strawberry.ID | None = strawberry.UNSET
    attachment_ids: list[strawberry.ID] | None = strawberry.field(
        default=strawberry.UNSET, description="The complete new list of attachments."
    )


@strawberry.input
class PublishNewsletterInput:
    title: str
    html: str = strawberry.field(description="Rich text; sanitised with an allow-list on save.")
    location_id: strawberry.ID | None = strawberry.field(
        default=None, description="Null: for the whole organisation."
    )
    attachment_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Ready media uploaded by you (at most 10)."
    )


@strawberry.input(description="Fields left out stay as they are; `locationId: null` means all.")
class UpdateNewsletterInput:
    id: strawberry.ID
    title: str | None = strawberry.UNSET
    html: str | None = strawberry.UNSET
    location_id: strawberry.ID | None = strawberry.UNSET
    attachment_ids: list[strawberry.ID] | None = strawberry.field(
        default=strawberry.UNSET, description="The complete new list of attachments."
    )


@strawberry.type
class NewsItemPayload:
    news_item: NewsItem


@strawberry.type
class NewsletterPayload:
    newsletter: Newsletter


PublishNewsResult = Annotated[NewsItemPayload | Refused, strawberry.union("PublishNewsResult")]
UpdateNewsResult = Annotated[NewsItemPayload | Refused, strawberry.union("UpdateNewsResult")]
WithdrawNewsResult = Annotated[NewsItemPayload | Refused, strawberry.union("WithdrawNewsResult")]
PublishNewsletterResult = Annotated[
    NewsletterPayload | Refused, strawberry.union("PublishNewsletterResult")
]
UpdateNewsletterResult = Annotated[
    NewsletterPayload | Refused, strawberry.union("UpdateNewsletterResult")
]
WithdrawNewsletterResult = Annotated[
    NewsletterPayload | Refused, strawberry.union("WithdrawNewsletterResult")
]
