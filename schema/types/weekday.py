"""Days of the week (Monday first, as in ISO 8601), shared by every type that needs them."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="A day of the week.")
class Weekday(Enum):
    MONDAY = 0
    TUESDAY = 1
    WEDNESDAY = 2
    THURSDAY = 3
    FRIDAY = 4
    SATURDAY = 5
    SUNDAY = 6
