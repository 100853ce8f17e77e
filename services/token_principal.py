"""Who is asking when a dashboard calls with an API token: an organisation and its scopes.

A token is not a user. It is kept apart from `Principal` on purpose: every field that asks
for a logged-in user (`context.principal`) sees nobody, so a token reaches only the fields
that accept a scope explicitly (organisation figures) and nothing else by default.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

# Tokens carry this prefix so the server can tell them from session tokens at a glance.
TOKEN_PREFIX = "olk_"


class Scope(StrEnum):
    OCCUPANCY = "occupancy"
    REQUESTS = "requests"
    CREDITS = "credits"
    MESSAGING_STATISTICS = "messaging_statistics"
    NEWS = "news"


@dataclass(frozen=True, slots=True)
class TokenPrincipal:
    token_id: int
    organisation_id: int
    name: str
    scopes: frozenset[Scope]
    # The organisation allows its tokens registered queries only.
    registered_queries_only: bool = False
    locale: str = "en"

    def allows(self, scope: Scope) -> bool:
        return scope in self.scopes
