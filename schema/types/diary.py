"""A diary day-report as a timeline card (the diary itself has its own issue)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from models import DiaryEntry as DiaryEntryModel
from models import MediaStatus, Role, User
from schema.context import Info
from schema.ids import to_global_id
from schema.relay import Node
from schema.types.groups import Group
from schema.types.media import Media


async def _author(info: Info, pk: int | None) -> User | None:
    return await info.context.loaders.user_by_id.load(pk) if pk else None


@strawberry.type(description="The report of one author about one child on one day.")
class DiaryEntry(Node):
    pk: strawberry.Private[int]
    group_pk: strawberry.Private[int]
    author_pk: strawberry.Private[int | None]
    date: date
    text: str
    details: JSON = strawberry.field(
        description="Optional structured parts: meals, sleeps, nappies, mood, activities."
    )
    posted_at: datetime

    @classmethod
    def from_model(cls, entry: DiaryEntryModel, posted_at: datetime | None = None) -> DiaryEntry:
        details: Any = entry.details or {}
        return cls(
            id=strawberry.ID(to_global_id("DiaryEntry", entry.id)),
            pk=entry.id,
            group_pk=entry.group_id,  # type: ignore[attr-defined]
            author_pk=entry.author_id,  # type: ignore[attr-defined]
            date=entry.date,
            text=entry.text,
            details=details,
            posted_at=posted_at or entry.created_at,
        )

    @strawberry.field
    async def author_name(self, info: Info) -> str | None:
        user = (
            await info.context.loaders.user_by_id.load(self.author_pk) if self.author_pk else None
        )
        return f"{user.first_name} {user.last_name}".strip() if user else None

    @strawberry.field(description="True when a parent wrote it, false for group staff.")
    async def written_by_parent(self, info: Info) -> bool:
        user = (
            await info.context.loaders.user_by_id.load(self.author_pk) if self.author_pk else None
        )
        return bool(user and user.role == Role.PARENT)

    @strawberry.field
    async def group(self, info: Info) -> Group:
        return Group.from_model(await info.context.loaders.group_by_id.load(self.group_pk))

    @strawberry.field
    async def media(self, info: Info) -> list[Media]:
        files = await info.context.loaders.media_by_diary_entry.load(self.pk)
        return [Media.from_model(m) for m in files if m.status == MediaStatus.READY]
