"""Who is asking: a logged-in user (through a session) or, later, an API token."""

from __future__ import annotations

from dataclasses import dataclass

from models.base import Role


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: int
    organisation_id: int
    role: Role
    session_id: int
    locale: str = "nl"

    @property
    def is_parent(self) -> bool:
        return self.role is Role.PARENT

    @property
    def is_staff(self) -> bool:
        return self.role is Role.STAFF

    @property
    def is_back_office(self) -> bool:
        """Planners and admins see everything inside their own organisation."""
        return self.role in (Role.PLANNER, Role.ADMIN)
