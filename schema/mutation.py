"""The root Mutation."""

from __future__ import annotations

import strawberry

from resolvers import auth as auth_resolvers
from resolvers import media as media_resolvers
from resolvers import timeline as timeline_resolvers
from schema.context import Info
from schema.mutations.accounts import AccountMutations
from schema.mutations.agenda import AgendaMutations
from schema.mutations.api_tokens import ApiTokenMutations
from schema.mutations.archives import ArchiveMutations
from schema.mutations.closures import ClosureMutations
from schema.mutations.diary import DiaryMutations
from schema.mutations.messaging import MessagingMutations
from schema.mutations.notifications import NotificationMutations
from schema.mutations.publications import PublicationMutations
from schema.mutations.registered_queries import RegisteredQueryMutations
from schema.mutations.webhooks import WebhookMutations
from schema.permissions import IsAuthenticated
from schema.types.auth import ChangePasswordInput, ChangePasswordResult, LoginInput, LoginResult
from schema.types.media import CreateUploadInput, CreateUploadResult
from schema.types.timeline import CreatePhotoPostInput, CreatePhotoPostResult


@strawberry.type
class Mutation(
    PublicationMutations,
    MessagingMutations,
    AgendaMutations,
    ClosureMutations,
    NotificationMutations,
    AccountMutations,
    ArchiveMutations,
    DiaryMutations,
    ApiTokenMutations,
    WebhookMutations,
    RegisteredQueryMutations,
):
    @strawberry.mutation(description="Log in with organisation slug, e-mail and password.")
    async def login(self, info: Info, input: LoginInput) -> LoginResult:
        return await auth_resolvers.login(info, input.organisation, input.email, input.password)

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="End this session.")
    async def logout(self, info: Info) -> bool:
        return await auth_resolvers.logout(info)

    @strawberry.mutation(
        permission_classes=[IsAuthenticated],
        description="Change the password; every other session is logged out.",
    )
    async def change_password(self, info: Info, input: ChangePasswordInput) -> ChangePasswordResult:
        return await auth_resolvers.change_password(info, input.old_password, input.new_password)

    @strawberry.mutation(
        permission_classes=[IsAuthenticated],
        description="A short-lived signed address to PUT a photo, video or document to.",
    )
    async def create_upload(self, info: Info, input: CreateUploadInput) -> CreateUploadResult:
        return await media_resolvers.create_upload(info, input)

    @strawberry.mutation(
        permission_classes=[IsAuthenticated],
        description="Group staff post photos/videos about one or more children of their group.",
    )
    async def create_photo_post(
        self, info: Info, input: CreatePhotoPostInput
    ) -> CreatePhotoPostResult:
        return await timeline_resolvers.create_photo_post(info, input)
