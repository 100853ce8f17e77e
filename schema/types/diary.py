"""A diary day-report: the full entry with its typed parts, author, media and edit right.

The same type is a card on `Child.timeline`, a node of `Child.diary` and of `node(id:)`, and
what `diaryEntryAdded` pushes. Not a chat: ask questions with `startConversation` (see
`askAQuestion`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.scalars import JSON

from models import DiaryEntry as DiaryEntryModel
from models import MediaStatus, Role, User
from schema.context import Info
from schema.ids import to_global_id
from schema.relay import Node
from schema.types.account import Role as RoleEnum
from schema.types.diary_parts import (
    ConversationHint,
    DiaryMeal,
    DiaryNappy,
    DiarySleep,
    meals_of,
    nappies_of,
    sleeps_of,
)
from schema.types.groups import Group
from schema.types.media import Media

if TYPE_CHECKING:
    from schema.types.children import Child

ChildRef = Annotated["Child", strawberry.lazy("schema.types.children")]


async def _author(info: Info, pk: int | None) -> User | None:
    return await info.context.loaders.user_by_id.load(pk) if pk else None


@strawberry.type(description="Who wrote a diary entry: group staff or a parent.")
class DiaryAuthor:
    name: str
    role: RoleEnum


@strawberry.type(
    description="The report of one author about one child on one day. The diary is not a "
    "chat: there are no replies; ask questions with `startConversation` (see `askAQuestion`)."
)
class DiaryEntry(Node):
    pk: strawberry.Private[int]
    child_pk: strawberry.Private[int]
    group_pk: strawberry.Private[int]
    author_pk: strawberry.Private[int | None]
    created_at: strawberry.Private[datetime]
    details_data: strawberry.Private[dict]
    date: date
    text: str
    details: JSON = strawberry.field(
        description="The raw structured parts; prefer the typed fields (meals, sleeps, nappies, "
        "mood, activities).",
        deprecation_reason="Use the typed fields meals, sleeps, nappies, mood, activities.",
    )
    posted_at: datetime = strawberry.field(description="When it was written.")

    @classmethod
    def from_model(cls, entry: DiaryEntryModel, posted_at: datetime | None = None) -> DiaryEntry:
        details: Any = entry.details if isinstance(entry.details, dict) else {}
        return cls(
            id=strawberry.ID(to_global_id("DiaryEntry", entry.id)),
            pk=entry.id,
            child_pk=entry.child_id,  # type: ignore[attr-defined]
            group_pk=entry.group_id,  # type: ignore[attr-defined]
            author_pk=entry.author_id,  # type: ignore[attr-defined]
            created_at=entry.created_at,
            details_data=details,
            date=entry.date,
            text=entry.text,
            details=details,
            posted_at=posted_at or entry.created_at,
        )

    @strawberry.field(description="Meals and bottles, with time and amount.")
    def meals(self) -> list[DiaryMeal]:
        return meals_of(self.details_data)

    @strawberry.field
    def sleeps(self) -> list[DiarySleep]:
        return sleeps_of(self.details_data)

    @strawberry.field
    def nappies(self) -> list[DiaryNappy]:
        return nappies_of(self.details_data)

    @strawberry.field
    def mood(self) -> str | None:
        mood = self.details_data.get("mood")
        return str(mood) if mood else None

    @strawberry.field
    def activities(self) -> list[str]:
        return [str(a) for a in self.details_data.get("activities") or []]

    @strawberry.field(description="Empty when the author's account was removed.")
    async def author(self, info: Info) -> DiaryAuthor | None:
        user = await _author(info, self.author_pk)
        if user is None:
            return None
        return DiaryAuthor(name=f"{user.first_name} {user.last_name}".strip(), role=user.role)

    @strawberry.field
    async def author_name(self, info: Info) -> str | None:
        user = await _author(info, self.author_pk)
        return f"{user.first_name} {user.last_name}".strip() if user else None

    @strawberry.field(description="True when a parent wrote it, false for group staff.")
    async def written_by_parent(self, info: Info) -> bool:
        user = await _author(info, self.author_pk)
        return bool(user and user.role == Role.PARENT)

    @strawberry.field
    async def group(self, info: Info) -> Group:
        return Group.from_model(await info.context.loaders.group_by_id.load(self.group_pk))

    @strawberry.field
    async def child(self, info: Info) -> ChildRef | None:
        from schema.types.children import Child

        children = await info.context.loaders.visible_children([self.child_pk])
        return Child.from_model(children[0]) if children else None

    @strawberry.field(description="Photos and videos, downloadable like timeline photos.")
    async def media(self, info: Info) -> list[Media]:
        files = await info.context.loaders.media_by_diary_entry.load(self.pk)
        return [Media.from_model(m) for m in files if m.status == MediaStatus.READY]

    @strawberry.field(
        description="True when the viewer wrote this entry and may still change or delete it "
        "(on the day it was written)."
    )
    async def can_edit(self, info: Info) -> bool:
        from resolvers.diary import can_edit

        return await can_edit(info, self.author_pk, self.created_at)

    @strawberry.field(
        description="A question about this entry? Not a reply here: start a conversation with "
        "the group with these ids (`startConversation`)."
    )
    def ask_a_question(self) -> ConversationHint:
        return ConversationHint(
            child_id=strawberry.ID(to_global_id("Child", self.child_pk)),
            group_id=strawberry.ID(to_global_id("Group", self.group_pk)),
        )
