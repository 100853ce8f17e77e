"""What an API token or a webhook endpoint may see: the scopes, shared by every type that
needs them (tokens, webhooks)."""

from __future__ import annotations

from enum import Enum

import strawberry

from services.token_principal import Scope


@strawberry.enum(description="A part of the organisation's data an integration may see.")
class ApiScope(Enum):
    OCCUPANCY = "occupancy"
    REQUESTS = "requests"
    CREDITS = "credits"
    MESSAGING_STATISTICS = "messaging_statistics"
    NEWS = "news"

    def to_service(self) -> Scope:
        return Scope(self.value)

    @classmethod
    def of(cls, scope: Scope | str) -> ApiScope:
        return cls(str(scope))
