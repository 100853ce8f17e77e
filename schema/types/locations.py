"""A location ("my location"): address, contact details and opening hours."""

from __future__ import annotations

from datetime import time

import strawberry

from models import Location as LocationModel
from schema.ids import to_global_id
from schema.relay import Node
from schema.types.weekday import Weekday
from services.locations import opening_days


@strawberry.type
class Address:
    street: str
    postal_code: str
    city: str

    @strawberry.field(description="One line: street, postal code and city.")
    def formatted(self) -> str:
        place = " ".join(p for p in (self.postal_code, self.city) if p)
        return ", ".join(p for p in (self.street, place) if p)


@strawberry.type(description="The opening hours of one weekday; `opens`/`closes` null when closed.")
class OpeningHours:
    weekday: Weekday
    closed: bool
    opens: time | None
    closes: time | None


@strawberry.type(description="A location where care happens, with its contact details.")
class Location(Node):
    pk: strawberry.Private[int]
    name: str
    address: Address
    phone: str
    email: str
    opening_hours: list[OpeningHours] = strawberry.field(description="Monday first, all 7 days.")

    @classmethod
    def from_model(cls, location: LocationModel) -> Location:
        return cls(
            id=strawberry.ID(to_global_id("Location", location.id)),
            pk=location.id,
            name=location.name,
            address=Address(
                street=location.street, postal_code=location.postal_code, city=location.city
            ),
            phone=location.phone,
            email=location.email,
            opening_hours=[
                OpeningHours(
                    weekday=Weekday(day.weekday),
                    closed=day.closed,
                    opens=day.opens,
                    closes=day.closes,
                )
                for day in opening_days(location.opening_hours)
            ],
        )
