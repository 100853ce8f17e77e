"""Mutations of the diary: write, update and delete a day-report."""

from __future__ import annotations

import strawberry

from resolvers import diary as resolvers
from schema.context import Info
from schema.permissions import IsAuthenticated
from schema.types.diary_inputs import (
    DeleteDiaryEntryResult,
    UpdateDiaryEntryInput,
    WriteDiaryEntryInput,
    WriteDiaryEntryResult,
)

_INPUT_REFUSALS = (
    "EMPTY_DIARY_ENTRY, TEXT_TOO_LONG, INVALID_TIME, SLEEP_ENDS_BEFORE_START, "
    "INVALID_NAPPY_KIND, TOO_MANY_PARTS, TOO_MANY_MEDIA, MEDIA_NOT_FOUND, MEDIA_NOT_READY, "
    "MEDIA_KIND_NOT_ALLOWED"
)


@strawberry.type
class DiaryMutations:
    @strawberry.mutation(
        permission_classes=[IsAuthenticated],
        description="Staff of the child's current group, or a guardian of the child, write a "
        "day-report (text, optional parts, own photos/videos); everyone who sees the child gets "
        "it live. Not a chat: questions go through `startConversation`. Refusals: "
        "DIARY_NOT_KEPT, CHILD_NOT_IN_YOUR_GROUP, NO_CURRENT_GROUP, DATE_IN_FUTURE, "
        f"DATE_TOO_FAR_BACK, DATE_BEFORE_PLACEMENT, {_INPUT_REFUSALS}. A child the viewer "
        "does not see: NOT_FOUND.",
    )
    async def write_diary_entry(
        self, info: Info, input: WriteDiaryEntryInput
    ) -> WriteDiaryEntryResult:
        return await resolvers.write_diary_entry(info, input)

    @strawberry.mutation(
        permission_classes=[IsAuthenticated],
        description="The author changes their own entry on the day they wrote it. Refusals: "
        f"NOT_YOUR_DIARY_ENTRY, DIARY_EDIT_WINDOW_CLOSED, {_INPUT_REFUSALS}.",
    )
    async def update_diary_entry(
        self, info: Info, input: UpdateDiaryEntryInput
    ) -> WriteDiaryEntryResult:
        return await resolvers.update_diary_entry(info, input)

    @strawberry.mutation(
        permission_classes=[IsAuthenticated],
        description="The author deletes their own entry (and its timeline card) on the day they "
        "wrote it. Refusals: NOT_YOUR_DIARY_ENTRY, DIARY_EDIT_WINDOW_CLOSED.",
    )
    async def delete_diary_entry(self, info: Info, id: strawberry.ID) -> DeleteDiaryEntryResult:
        return await resolvers.delete_diary_entry(info, str(id))
