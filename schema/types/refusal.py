"""Business refusals as data: a stable code and a message in Dutch and English."""

from __future__ import annotations

import strawberry

from services.errors import Refusal


@strawberry.type(description="A business rule said no. `code` is stable; messages are for people.")
class Refused:
    code: str
    message: str = strawberry.field(description="In the viewer's language (Dutch by default).")
    message_nl: str
    message_en: str
    retry_after_seconds: int | None = None
    field: str | None = strawberry.field(default=None, description="The input field at fault.")

    @classmethod
    def of(cls, refusal: Refusal, locale: str = "nl") -> Refused:
        return cls(
            code=refusal.code,
            message=refusal.message(locale),
            message_nl=refusal.message_nl,
            message_en=refusal.message_en,
            retry_after_seconds=refusal.details.get("retryAfterSeconds"),
            field=refusal.details.get("field"),
        )
