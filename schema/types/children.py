"""A child, as the viewer is allowed to see it."""

from __future__ import annotations

from datetime import date

import strawberry

from models import Child as ChildModel
from schema.ids import to_global_id
from schema.relay import Node


@strawberry.type
class Child(Node):
    pk: strawberry.Private[int]
    first_name: str
    last_name: str
    birth_date: date

    @classmethod
    def from_model(cls, child: ChildModel) -> Child:
        return cls(
            id=strawberry.ID(to_global_id("Child", child.id)),
            pk=child.id,
            first_name=child.first_name,
            last_name=child.last_name,
            birth_date=child.birth_date,
        )
