"""Coded refusals: expected outcomes with a stable code and a message in Dutch and English."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Refusal:
    """A business rule said no. Returned as data by the API, never raised as a 500."""

    code: str
    message_nl: str
    message_en: str
    details: dict[str, Any] = field(default_factory=dict)

    def message(self, locale: str = "nl") -> str:
        return self.message_en if locale.startswith("en") else self.message_nl


class RefusedError(Exception):
    """Raised inside a service to abort (and roll back) with a Refusal."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.code)
        self.refusal = refusal


class AccessDenied(Exception):
    """The principal may not see or touch this; the API reports it as FORBIDDEN/NOT_FOUND."""

    def __init__(self, code: str = "FORBIDDEN") -> None:
        super().__init__(code)
        self.code = code
