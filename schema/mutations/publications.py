"""Mutations on news, newsletters and documents (planners), and reading news (everyone)."""

from __future__ import annotations

import strawberry

from resolvers import documents as document_resolvers
from resolvers import publications as resolvers
from schema.context import Info
from schema.permissions import IsAuthenticated, IsBackOffice
from schema.types.documents import UploadDocumentInput, UploadDocumentResult
from schema.types.publications import (
    NewsItem,
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

BACK_OFFICE = [IsAuthenticated, IsBackOffice]


@strawberry.type
class PublicationMutations:
    @strawberry.mutation(
        permission_classes=[IsAuthenticated],
        description="Record that the viewer read a news item (the reach); null when not visible.",
    )
    async def mark_news_read(self, info: Info, id: strawberry.ID) -> NewsItem | None:
        return await resolvers.mark_news_read(info, id)

    @strawberry.mutation(
        permission_classes=BACK_OFFICE,
        description="Publish a news item now, for the organisation or one location.",
    )
    async def publish_news(self, info: Info, input: PublishNewsInput) -> PublishNewsResult:
        return await resolvers.publish_news(info, input)

    @strawberry.mutation(permission_classes=BACK_OFFICE, description="Edit a news item.")
    async def update_news(self, info: Info, input: UpdateNewsInput) -> UpdateNewsResult:
        return await resolvers.update_news(info, input)

    @strawberry.mutation(
        permission_classes=BACK_OFFICE, description="Take a news item out of every feed."
    )
    async def withdraw_news(self, info: Info, id: strawberry.ID) -> WithdrawNewsResult:
        return await resolvers.withdraw_news(info, id)

    @strawberry.mutation(
        permission_classes=BACK_OFFICE,
        description="Publish a newsletter now; its HTML is sanitised with an allow-list.",
    )
    async def publish_newsletter(
        self, info: Info, input: PublishNewsletterInput
    ) -> PublishNewsletterResult:
        return await resolvers.publish_newsletter(info, input)

    @strawberry.mutation(permission_classes=BACK_OFFICE, description="Edit a newsletter.")
    async def update_newsletter(
        self, info: Info, input: UpdateNewsletterInput
    ) -> UpdateNewsletterResult:
        return await resolvers.update_newsletter(info, input)

    @strawberry.mutation(
        permission_classes=BACK_OFFICE, description="Take a newsletter out of every feed."
    )
    async def withdraw_newsletter(self, info: Info, id: strawberry.ID) -> WithdrawNewsletterResult:
        return await resolvers.withdraw_newsletter(info, id)

    @strawberry.mutation(
        permission_classes=BACK_OFFICE,
        description="Add an invoice, contract, annual statement or other document for a parent.",
    )
    async def upload_document(self, info: Info, input: UploadDocumentInput) -> UploadDocumentResult:
        return await document_resolvers.upload_document(info, input)
