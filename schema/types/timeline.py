"""Timeline items: photo posts (and diary-entry cards, see schema.types.diary)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from models import MediaStatus, TimelineItem
from schema.context import Info
from schema.ids import to_global_id
from schema.relay import Node
from schema.types.diary import DiaryEntry
from schema.types.groups import Group, StaffMember
from schema.types.media import Media
from schema.types.refusal import Refused

if TYPE_CHECKING:
    from schema.types.children import Child

ChildRef = Annotated["Child", strawberry.lazy("schema.types.children")]


async def ready_media(info: Info, files: list) -> list[Media]:
    return [Media.from_model(m) for m in files if m.status == MediaStatus.READY]


@strawberry.type(description="Photos and/or videos with a caption, posted by group staff.")
class PhotoPost(Node):
    pk: strawberry.Private[int]
    group_pk: strawberry.Private[int]
    author_pk: strawberry.Private[int | None]
    caption: str
    posted_at: datetime

    @classmethod
    def from_model(cls, item: TimelineItem) -> PhotoPost:
        return cls(
            id=strawberry.ID(to_global_id("PhotoPost", item.id)),
            pk=item.id,
            group_pk=item.group_id,  # type: ignore[attr-defined]
            author_pk=item.author_id,  # type: ignore[attr-defined]
            caption=item.caption,
            posted_at=item.posted_at,
        )

    @strawberry.field
    async def author(self, info: Info) -> StaffMember | None:
        if self.author_pk is None:
            return None
        user = await info.context.loaders.user_by_id.load(self.author_pk)
        return StaffMember.from_model(user) if user else None

    @strawberry.field
    async def group(self, info: Info) -> Group:
        return Group.from_model(await info.context.loaders.group_by_id.load(self.group_pk))

    @strawberry.field(description="In the order the author chose.")
    async def media(self, info: Info) -> list[Media]:
        return await ready_media(
            info, await info.context.loaders.media_by_timeline_item.load(self.pk)
        )

    @strawberry.field(
        description="The children this post is about — only those the viewer may see."
    )
    async def children(self, info: Info) -> list[ChildRef]:
        from schema.types.children import Child

        loaders = info.context.loaders
        visible = set(await loaders.visible_child_ids())
        ids = [c for c in await loaders.child_ids_by_timeline_item.load(self.pk) if c in visible]
        return [Child.from_model(c) for c in await loaders.visible_children(ids)]


TimelineItemUnion = Annotated[PhotoPost | DiaryEntry, strawberry.union("TimelineItem")]


@strawberry.input
class CreatePhotoPostInput:
    child_ids: list[strawberry.ID] = strawberry.field(
        description="One or more children of one of your groups, all in the same group."
    )
    media_ids: list[strawberry.ID] = strawberry.field(description="READY photos and videos.")
    caption: str = ""


@strawberry.type
class PhotoPostCreated:
    post: PhotoPost


CreatePhotoPostResult = Annotated[
    PhotoPostCreated | Refused, strawberry.union("CreatePhotoPostResult")
]
