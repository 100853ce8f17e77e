"""DataLoaders, one set per request, named `<thing>_by_<key>` (saleor style)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

from models import Child, Organisation, User
from services import access
from services.principal import Principal

M = TypeVar("M")


def _by_id(model: Any) -> Callable[[Sequence[int]], Awaitable[list[Any]]]:
    async def load(ids: Sequence[int]) -> list[Any]:
        rows = {row.id: row for row in await model.filter(id__in=list(ids))}
        return [rows.get(i) for i in ids]

    return load


class Loaders:
    """Built lazily; everything the principal may not see is filtered in `services.access`."""

    def __init__(self, principal: Principal | None = None) -> None:
        self.principal = principal
        self._visible_child_ids: list[int] | None = None
        self.child_by_id: DataLoader[int, Child | None] = DataLoader(_by_id(Child))
        self.user_by_id: DataLoader[int, User | None] = DataLoader(_by_id(User))
        self.organisation_by_id: DataLoader[int, Organisation | None] = DataLoader(
            _by_id(Organisation)
        )

    async def visible_child_ids(self) -> list[int]:
        """The children this principal may see, computed once per request."""
        if self.principal is None:
            return []
        if self._visible_child_ids is None:
            self._visible_child_ids = await access.visible_child_ids(self.principal)
        return self._visible_child_ids

    async def visible_children(self, ids: Iterable[int]) -> list[Child]:
        children = await self.child_by_id.load_many(list(ids))
        return [c for c in children if c is not None]
