"""Users and the server's about screen."""

from __future__ import annotations

import strawberry

import settings
from models import User as UserModel
from models.base import Role as RoleValue
from schema.ids import to_global_id
from schema.relay import Node

Role = strawberry.enum(RoleValue, name="Role")


@strawberry.type
class User(Node):
    pk: strawberry.Private[int]
    email: str
    first_name: str
    last_name: str
    role: Role
    locale: str

    @classmethod
    def from_model(cls, user: UserModel) -> User:
        return cls(
            id=strawberry.ID(to_global_id("User", user.id)),
            pk=user.id,
            email=user.email,
            first_name=user.first_name,
            last_name=user.last_name,
            role=user.role,
            locale=user.locale,
        )

    @strawberry.field
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@strawberry.type(description="For the app's about screen.")
class About:
    server_version: str = settings.SERVER_VERSION
    api_version: str = settings.API_VERSION
    build_date: str = settings.BUILD_DATE


__all__ = ["About", "Role", "User"]
