"""Inputs and results of the diary mutations."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from schema.types.diary import DiaryEntry
from schema.types.diary_parts import DiaryPartsInput
from schema.types.refusal import Refused


@strawberry.input
class WriteDiaryEntryInput:
    child_id: strawberry.ID
    date: date | None = strawberry.field(
        default=None, description="The day it is about: today by default, up to 7 days back."
    )
    text: str = strawberry.field(default="", description="Plain text, at most 5000 characters.")
    parts: DiaryPartsInput | None = None
    media_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="READY photos/videos from `createUpload`, by the viewer."
    )


@strawberry.input(description="Replaces text and parts; media only when `mediaIds` is given.")
class UpdateDiaryEntryInput:
    id: strawberry.ID
    text: str = ""
    parts: DiaryPartsInput | None = None
    media_ids: list[strawberry.ID] | None = None


@strawberry.type
class DiaryEntryWritten:
    entry: DiaryEntry


@strawberry.type
class DiaryEntryDeleted:
    deleted_id: strawberry.ID


WriteDiaryEntryResult = Annotated[
    DiaryEntryWritten | Refused, strawberry.union("WriteDiaryEntryResult")
]
DeleteDiaryEntryResult = Annotated[
    DiaryEntryDeleted | Refused, strawberry.union("DeleteDiaryEntryResult")
]
