"""Who may call a field. Which rows they then see is decided in `services.access`."""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission

from models.base import Role
from schema.context import Info
from schema.errors import FORBIDDEN, UNAUTHENTICATED
from services.token_principal import Scope


class IsAuthenticated(BasePermission):
    message = "Log in first. / Log eerst in."
    error_extensions = {"code": UNAUTHENTICATED}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return info.context.principal is not None


class IsBackOffice(BasePermission):
    """Planners and admins."""

    message = "Only planners and admins may do this. / Alleen planners en beheerders mogen dit."
    error_extensions = {"code": FORBIDDEN}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        principal = info.context.principal
        return principal is not None and principal.is_back_office


class IsAdmin(BasePermission):
    """Admins only (API tokens: planners may not hand data to third parties)."""

    message = "Only admins may do this. / Alleen beheerders mogen dit."
    error_extensions = {"code": FORBIDDEN}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        principal = info.context.principal
        return principal is not None and principal.role is Role.ADMIN


class HasScope(BasePermission):
    """Organisation figures: an API token with this scope, or a planner or admin."""

    message = (
        "This needs an API token with the right scope, or a planner or admin. / "
        "Hiervoor is een API-token met de juiste scope nodig, of een planner of beheerder."
    )
    error_extensions = {"code": FORBIDDEN}

    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        token = info.context.api_token
        if token is not None:
            return token.allows(self.scope)
        principal = info.context.principal
        return principal is not None and principal.is_back_office
