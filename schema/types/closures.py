"""Closure days the organisation sets, and the mutations' inputs and results."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from models import ClosureDay as ClosureDayModel
from schema.ids import to_global_id
from schema.relay import Node
from schema.types.refusal import Refused


@strawberry.type(description="A day the organisation (or one location) is closed: no care.")
class ClosureDay(Node):
    date: date
    reason: str
    location_id: strawberry.ID | None = strawberry.field(
        description="The closed location; null when the whole organisation is closed."
    )

    @classmethod
    def from_model(cls, row: ClosureDayModel) -> ClosureDay:
        location = row.location_id  # type: ignore[attr-defined]
        return cls(
            id=strawberry.ID(to_global_id("ClosureDay", row.id)),
            date=row.date,
            reason=row.reason,
            location_id=strawberry.ID(to_global_id("Location", location)) if location else None,
        )


@strawberry.input
class AddClosureDayInput:
    date: date
    reason: str = ""
    location_id: strawberry.ID | None = strawberry.field(
        default=None, description="Close only this location; leave out to close everywhere."
    )


@strawberry.type
class ClosureDayAdded:
    closure_day: ClosureDay


AddClosureDayResult = Annotated[ClosureDayAdded | Refused, strawberry.union("AddClosureDayResult")]
