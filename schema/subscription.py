"""The root Subscription: live events for the authenticated viewer (see `subscriptions.live`).

`after` is the cursor of the last event the client saw (an edge's `cursor`, or
`Viewer.eventCursor`): missed events are replayed first, then live ones, without gaps or
duplicates. Without `after`, only what happens from now on is sent.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from resolvers import agenda_live, archive_live, diary_live, live
from resolvers.diary_live import DiaryEntryRemoval
from schema.context import Info
from schema.permissions import IsAuthenticated
from schema.relay import Edge
from schema.types.agenda import DayRequestDecision
from schema.types.archives import ArchiveJob
from schema.types.conversations import Message
from schema.types.diary import DiaryEntry


@strawberry.type
class Subscription:
    @strawberry.subscription(
        permission_classes=[IsAuthenticated],
        description="New messages in one conversation, or (without `conversationId`) in every "
        "conversation of the viewer, also those started after subscribing.",
    )
    async def message_added(
        self,
        info: Info,
        conversation_id: strawberry.ID | None = None,
        after: str | None = None,
    ) -> AsyncGenerator[Edge[Message], None]:
        async for edge in live.message_added(info, conversation_id, after):
            yield edge

    @strawberry.subscription(
        permission_classes=[IsAuthenticated],
        description="New or updated diary entries of one child, or (without `childId`) of "
        "every child the viewer sees.",
    )
    async def diary_entry_added(
        self,
        info: Info,
        child_id: strawberry.ID | None = None,
        after: str | None = None,
    ) -> AsyncGenerator[Edge[DiaryEntry], None]:
        async for edge in live.diary_entry_added(info, child_id, after):
            yield edge

    @strawberry.subscription(
        permission_classes=[IsAuthenticated],
        description="Diary entries deleted by their author, of one child or (without `childId`) "
        "of every child the viewer sees; same cursor and guarantees as `diaryEntryAdded`.",
    )
    async def diary_entry_deleted(
        self,
        info: Info,
        child_id: strawberry.ID | None = None,
        after: str | None = None,
    ) -> AsyncGenerator[Edge[DiaryEntryRemoval], None]:
        async for edge in diary_live.diary_entry_deleted(info, child_id, after):
            yield edge

    @strawberry.subscription(
        permission_classes=[IsAuthenticated],
        description="Decisions on the viewer's day requests: approved or rejected by a planner, "
        "or expired (parents also hear about requests for their children by another guardian).",
    )
    async def day_request_decided(
        self, info: Info, after: str | None = None
    ) -> AsyncGenerator[Edge[DayRequestDecision], None]:
        async for edge in agenda_live.day_request_decided(info, after):
            yield edge

    @strawberry.subscription(
        permission_classes=[IsAuthenticated],
        description="Progress of the viewer's data downloads (one job with `jobId`, else all): "
        "every step from queued to done, with the download address once it is ready.",
    )
    async def archive_progress(
        self,
        info: Info,
        job_id: strawberry.ID | None = None,
        after: str | None = None,
    ) -> AsyncGenerator[Edge[ArchiveJob], None]:
        async for edge in archive_live.archive_progress(info, job_id, after):
            yield edge
