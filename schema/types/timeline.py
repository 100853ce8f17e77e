"""Timeline items: photo posts (and diary-entry cards, see schema.types.diary)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from models import MediaStatus, TimelineItem
from models import User as UserModel
from resolvers.loaded import MISSING, now_or_later, peek
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


def ready(files: list) -> list[Media]:
    return [Media.from_model(m) for m in files if m.status == MediaStatus.READY]


def staff_member(user: UserModel | None) -> StaffMember | None:
    return StaffMember.from_model(user) if user else None


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

    # Synchronous when the loaders hold the rows already (after the children's lookahead):
    # see resolvers.loaded.
    @strawberry.field
    def author(self, info: Info) -> StaffMember | None:
        if self.author_pk is None:
            return None
        return now_or_later(info.context.loaders.user_by_id, self.author_pk, staff_member)

    @strawberry.field
    def group(self, info: Info) -> Group:
        return now_or_later(info.context.loaders.group_by_id, self.group_pk, Group.from_model)

    @strawberry.field(description="In the order the author chose.")
    def media(self, info: Info) -> list[Media]:
        return now_or_later(info.context.loaders.media_by_timeline_item, self.pk, ready)

    @strawberry.field(
        description="The children this post is about — only those the viewer may see."
    )
    def children(self, info: Info) -> list[ChildRef]:
        from schema.types.children import Child

        loaders = info.context.loaders
        visible, linked = (
            loaders.visible_child_ids_now(),
            peek(loaders.child_ids_by_timeline_item, self.pk),
        )
        if visible is not None and linked is not MISSING:
            shown = set(visible)
            rows = [peek(loaders.child_by_id, c) for c in linked if c in shown]
            if MISSING not in rows:
                return [Child.from_model(c) for c in rows if c is not None]
        return self._children_later(info)  # type: ignore[return-value]

    async def _children_later(self, info: Info) -> list[ChildRef]:
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
