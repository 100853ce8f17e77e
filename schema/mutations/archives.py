"""Mutation of the parent's data download."""

from __future__ import annotations

import strawberry

from resolvers import archives as resolvers
from schema.context import Info
from schema.permissions import IsAuthenticated
from schema.types.archives import RequestChildArchiveResult


@strawberry.type
class ArchiveMutations:
    @strawberry.mutation(
        permission_classes=[IsAuthenticated],
        description="A guardian asks for a ZIP of all data of their child (timeline, diary, "
        "photos and videos in full size, messages, agenda history, credits), built in the "
        "background. Until 8 weeks after the last care day. Refusal: ARCHIVE_WINDOW_CLOSED.",
    )
    async def request_child_archive(
        self, info: Info, child_id: strawberry.ID
    ) -> RequestChildArchiveResult:
        return await resolvers.request_child_archive(info, str(child_id))
