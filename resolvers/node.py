"""`node(id:)`: one registry of fetchers, each going through the same access checks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from schema.context import Info
from schema.ids import from_global_id

NodeFetcher = Callable[[Info, int], Awaitable[Any]]
_FETCHERS: dict[str, NodeFetcher] = {}


def node_fetcher(type_name: str) -> Callable[[NodeFetcher], NodeFetcher]:
    def register(fetch: NodeFetcher) -> NodeFetcher:
        _FETCHERS[type_name] = fetch
        return fetch

    return register


async def resolve_node(info: Info, global_id: str) -> Any:
    """The object, or None when it does not exist or the viewer may not see it (same answer)."""
    if info.context.principal is None:
        return None
    type_name, pk = from_global_id(global_id)
    fetch = _FETCHERS.get(type_name)
    return await fetch(info, pk) if fetch else None
