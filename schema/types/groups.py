"""Groups and the staff people meet in them (the mentor, the author of a post)."""

from __future__ import annotations

import strawberry

from models import Group as GroupModel
from models import MediaFile, MediaStatus
from models import User as UserModel
from models.base import CareType as CareTypeValue
from resolvers.loaded import now_or_later
from schema.context import Info
from schema.ids import to_global_id
from schema.types.locations import Location
from schema.types.media import Media

CareType = strawberry.enum(
    CareTypeValue,
    name="CareType",
    description="KDV (day care), BSO (after-school care) and their flexible variants.",
)


@strawberry.type(description="A group of children at a location.")
class Group:
    pk: strawberry.Private[int]
    location_pk: strawberry.Private[int]
    id: strawberry.ID = strawberry.field(resolver=lambda root: to_global_id("Group", root.pk))
    name: str
    care_type: CareType

    @classmethod
    def from_model(cls, group: GroupModel) -> Group:
        return cls(
            pk=group.id,
            location_pk=group.location_id,  # type: ignore[attr-defined]
            name=group.name,
            care_type=group.care_type,
        )

    @strawberry.field
    def location(self, info: Info) -> Location:
        loader = info.context.loaders.location_by_id
        return now_or_later(loader, self.location_pk, Location.from_model)


@strawberry.type(description="A member of staff as parents see them: name and photo.")
class StaffMember:
    pk: strawberry.Private[int]
    photo_pk: strawberry.Private[int | None]
    # Encoded when asked (an author on every post of a page, its id rarely asked).
    id: strawberry.ID = strawberry.field(resolver=lambda root: to_global_id("StaffMember", root.pk))
    first_name: str
    last_name: str
    name: str  # precomputed: a plain field costs less per item than a resolver

    @classmethod
    def from_model(cls, user: UserModel) -> StaffMember:
        return cls(
            pk=user.id,
            photo_pk=user.photo_id,  # type: ignore[attr-defined]
            first_name=user.first_name,
            last_name=user.last_name,
            name=f"{user.first_name} {user.last_name}".strip(),
        )

    @strawberry.field
    def photo(self, info: Info) -> Media | None:
        if self.photo_pk is None:
            return None
        return now_or_later(info.context.loaders.media_by_id, self.photo_pk, _ready_photo)


def _ready_photo(photo: MediaFile | None) -> Media | None:
    return Media.from_model(photo) if photo and photo.status == MediaStatus.READY else None


__all__ = ["CareType", "Group", "StaffMember"]
