"""Field types of our own."""

from __future__ import annotations

from datetime import time
from typing import Any

from tortoise import fields


class LocalTimeField(fields.CharField):
    """A wall-clock time of the organisation (07:30), stored as HH:MM text.

    Tortoise's TimeField attaches UTC to times when `use_tz` is on and has no SQLite adapter;
    a care day's start and end are local times without a zone, so they are kept as text
    (which also sorts correctly).
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs["max_length"] = 5
        super().__init__(**kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value.strftime("%H:%M") if isinstance(value, time) else value)

    def to_db_value(self, value: Any, instance: Any) -> str | None:
        if isinstance(value, time):
            return value.strftime("%H:%M")
        if isinstance(value, str):
            return time.fromisoformat(value).strftime("%H:%M")
        return value

    def to_python_value(self, value: Any) -> time | None:
        if value is None or isinstance(value, time):
            return value
        return time.fromisoformat(value)
