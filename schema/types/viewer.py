"""The viewer: the logged-in user's own entry point into everything they may see."""

from __future__ import annotations

import strawberry

from resolvers import api_tokens as api_token_resolvers
from resolvers import archives as archive_resolvers
from resolvers import children as children_resolvers
from resolvers import conversations as conversation_resolvers
from resolvers import documents as document_resolvers
from resolvers import live as live_resolvers
from resolvers import locations as location_resolvers
from resolvers import notifications as notification_resolvers
from resolvers import publications as publication_resolvers
from resolvers import registered_queries as registered_query_resolvers
from resolvers import users as user_resolvers
from schema.context import Info
from schema.relay import Connection
from schema.types.account import User
from schema.types.api_tokens import ApiToken
from schema.types.archives import ArchiveJob
from schema.types.children import Child
from schema.types.conversations import Conversation
from schema.types.documents import Document, DocumentKind
from schema.types.locations import Location
from schema.types.notifications import NotificationSetting
from schema.types.publications import NewsItem, Newsletter
from schema.types.registered_queries import RegisteredQuery
from schema.types.viewer_agenda import ViewerAgendaFields
from schema.types.viewer_webhooks import ViewerWebhookFields


@strawberry.type
class Viewer(ViewerAgendaFields, ViewerWebhookFields):
    @strawberry.field
    async def user(self, info: Info) -> User:
        return await user_resolvers.viewer_user(info)

    @strawberry.field(
        description="The viewer's children (parents), group children (staff), or all."
    )
    async def children(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Child]:
        return await children_resolvers.viewer_children(info, first, after)

    @strawberry.field(
        description="Contact details and opening hours of the viewer's locations: where their "
        "children are placed (parents), where they work (staff), or all (planners)."
    )
    async def locations(self, info: Info) -> list[Location]:
        return await location_resolvers.viewer_locations(info)

    @strawberry.field(
        description="News of the organisation and the viewer's locations, newest first."
    )
    async def news(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[NewsItem]:
        return await publication_resolvers.viewer_news(info, first, after)

    @strawberry.field(
        description="Newsletters of the organisation and the viewer's locations, newest first."
    )
    async def newsletters(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Newsletter]:
        return await publication_resolvers.viewer_newsletters(info, first, after)

    @strawberry.field(
        description="The viewer's own documents, newest first; planners and admins see those "
        "of their organisation (of one parent with `ownerId`)."
    )
    async def documents(
        self,
        info: Info,
        kind: DocumentKind | None = None,
        first: int | None = None,
        after: str | None = None,
        owner_id: strawberry.ID | None = None,
    ) -> Connection[Document]:
        return await document_resolvers.viewer_documents(info, kind, first, after, owner_id)

    @strawberry.field(
        description="The viewer's conversations (parents: about their children; staff: of "
        "their groups), most recent activity first."
    )
    async def conversations(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Conversation]:
        return await conversation_resolvers.viewer_conversations(info, first, after)

    @strawberry.field(
        description="The cursor of the newest event now. Read it before loading what you want "
        "to keep live, then subscribe with it as `after`: nothing in between is missed."
    )
    async def event_cursor(self, info: Info) -> str:
        return await live_resolvers.viewer_event_cursor(info)

    @strawberry.field(
        description="One row per notification item type: push and e-mail on or off (defaults "
        "filled in: push on; e-mail on for request decisions and documents)."
    )
    async def notification_settings(self, info: Info) -> list[NotificationSetting]:
        return await notification_resolvers.viewer_settings(info)

    @strawberry.field(
        description="The server's VAPID public key (base64url): the applicationServerKey for "
        "PushManager.subscribe before registerPushSubscription."
    )
    def web_push_public_key(self) -> str:
        return notification_resolvers.vapid_public_key()

    @strawberry.field(
        description="The viewer's archive downloads (requestChildArchive), newest first."
    )
    async def archive_jobs(self, info: Info) -> list[ArchiveJob]:
        return await archive_resolvers.viewer_archive_jobs(info)

    @strawberry.field(
        description="The organisation's API tokens for dashboards, newest first, revoked and "
        "expired ones too (admins only; others get FORBIDDEN)."
    )
    async def api_tokens(self, info: Info) -> list[ApiToken]:
        return await api_token_resolvers.viewer_api_tokens(info)

    @strawberry.field(
        description="Query documents the organisation's API tokens may run when it allows "
        "registered queries only, by name (admins only; others get FORBIDDEN)."
    )
    async def registered_queries(self, info: Info) -> list[RegisteredQuery]:
        return await registered_query_resolvers.viewer_registered_queries(info)

    @strawberry.field(
        description="Whether the organisation's API tokens may run registered queries only "
        "(admins only; others get FORBIDDEN)."
    )
    async def tokens_registered_queries_only(self, info: Info) -> bool:
        return await registered_query_resolvers.viewer_tokens_registered_queries_only(info)
