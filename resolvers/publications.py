"""News and newsletters: the viewer's feeds, nodes, reading, and the planner's mutations."""

from __future__ import annotations

from typing import Any

import strawberry

from resolvers.keyset import keyset_after, keyset_key
from resolvers.node import node_fetcher
from resolvers.outcomes import outcome, principal_of
from schema.context import Info
from schema.ids import pk_of
from schema.relay import Connection, connection, page_size
from schema.types.publications import (
    NewsItem,
    NewsItemPayload,
    Newsletter,
    NewsletterPayload,
    PublishNewsInput,
    PublishNewsletterInput,
    PublishNewsletterResult,
    PublishNewsResult,
    UpdateNewsInput,
    UpdateNewsletterInput,
    UpdateNewsletterResult,
    UpdateNewsResult,
    WithdrawNewsletterResult,
    WithdrawNewsResult,
)
from services import news, newsletters
from services.publishing import UNCHANGED
from subscriptions import hub

MEDIA_TYPE = "Media"


def _location_pk(value: strawberry.ID | None) -> int | None:
    return pk_of(value, "Location") if value is not None else None


def _media_pks(ids: list[strawberry.ID]) -> list[int]:
    return [pk_of(i, MEDIA_TYPE) for i in ids]


def _given(value: Any) -> bool:
    return value is not strawberry.UNSET and value is not None


def _update_args(input: UpdateNewsInput | UpdateNewsletterInput) -> dict[str, Any]:
    return {
        "title": input.title if _given(input.title) else None,
        "location_id": (
            UNCHANGED if input.location_id is strawberry.UNSET else _location_pk(input.location_id)
        ),
        "attachment_ids": (
            _media_pks(input.attachment_ids) if _given(input.attachment_ids) else None
        ),
    }


# News


async def viewer_news(info: Info, first: int | None, after: str | None) -> Connection[NewsItem]:
    principal = principal_of(info)
    size, position = page_size(first), keyset_after(after)
    location_ids = await info.context.loaders.visible_location_ids()
    rows, has_next = await news.feed(principal, location_ids, size, position)
    items = [NewsItem.from_model(row) for row in rows]
    return connection(items, lambda n: keyset_key(n.published_at, n.pk), has_next)


@node_fetcher("NewsItem")
async def news_item_node(info: Info, pk: int) -> NewsItem | None:
    location_ids = await info.context.loaders.visible_location_ids()
    row = await news.visible(principal_of(info), pk, location_ids)
    return NewsItem.from_model(row) if row else None


async def mark_news_read(info: Info, id: strawberry.ID) -> NewsItem | None:
    location_ids = await info.context.loaders.visible_location_ids()
    row = await news.mark_read(principal_of(info), pk_of(id, "NewsItem"), location_ids)
    return NewsItem.from_model(row) if row else None


def _news_payload(row: Any) -> NewsItemPayload:
    return NewsItemPayload(news_item=NewsItem.from_model(row))


async def publish_news(info: Info, input: PublishNewsInput) -> PublishNewsResult:
    call = news.publish(
        principal_of(info),
        title=input.title,
        body=input.body,
        location_id=_location_pk(input.location_id),
        attachment_ids=_media_pks(input.attachment_ids),
        publisher=hub.publisher(),
    )
    return await outcome(info, call, _news_payload)


async def update_news(info: Info, input: UpdateNewsInput) -> UpdateNewsResult:
    body = input.body if _given(input.body) else None
    call = news.update(
        principal_of(info),
        pk_of(input.id, "NewsItem"),
        body=body,
        publisher=hub.publisher(),
        **_update_args(input),
    )
    return await outcome(info, call, _news_payload)


async def withdraw_news(info: Info, id: strawberry.ID) -> WithdrawNewsResult:
    call = news.withdraw(principal_of(info), pk_of(id, "NewsItem"), hub.publisher())
    return await outcome(info, call, _news_payload)


# Newsletters


async def viewer_newsletters(
    info: Info, first: int | None, after: str | None
) -> Connection[Newsletter]:
    principal = principal_of(info)
    size, position = page_size(first), keyset_after(after)
    location_ids = await info.context.loaders.visible_location_ids()
    rows, has_next = await newsletters.feed(principal, location_ids, size, position)
    letters = [Newsletter.from_model(row) for row in rows]
    return connection(letters, lambda n: keyset_key(n.published_at, n.pk), has_next)


@node_fetcher("Newsletter")
async def newsletter_node(info: Info, pk: int) -> Newsletter | None:
    location_ids = await info.context.loaders.visible_location_ids()
    row = await newsletters.visible(principal_of(info), pk, location_ids)
    return Newsletter.from_model(row) if row else None


def _newsletter_payload(row: Any) -> NewsletterPayload:
    return NewsletterPayload(newsletter=Newsletter.from_model(row))


async def publish_newsletter(info: Info, input: PublishNewsletterInput) -> PublishNewsletterResult:
    call = newsletters.publish(
        principal_of(info),
        title=input.title,
        html=input.html,
        location_id=_location_pk(input.location_id),
        attachment_ids=_media_pks(input.attachment_ids),
        publisher=hub.publisher(),
    )
    return await outcome(info, call, _newsletter_payload)


async def update_newsletter(info: Info, input: UpdateNewsletterInput) -> UpdateNewsletterResult:
    html = input.html if _given(input.html) else None
    call = newsletters.update(
        principal_of(info),
        pk_of(input.id, "Newsletter"),
        html=html,
        publisher=hub.publisher(),
        **_update_args(input),
    )
    return await outcome(info, call, _newsletter_payload)


async def withdraw_newsletter(info: Info, id: strawberry.ID) -> WithdrawNewsletterResult:
    call = newsletters.withdraw(principal_of(info), pk_of(id, "Newsletter"), hub.publisher())
    return await outcome(info, call, _newsletter_payload)
