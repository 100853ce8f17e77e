"""Users: the viewer, and users as nodes (only within the viewer's organisation)."""

from __future__ import annotations

from resolvers.node import node_fetcher
from schema.context import Info
from schema.errors import unauthenticated
from schema.types.account import User


async def viewer_user(info: Info) -> User:
    principal = info.context.principal
    if principal is None:
        raise unauthenticated()
    user = await info.context.loaders.user_by_id.load(principal.user_id)
    if user is None:
        raise unauthenticated()
    return User.from_model(user)


@node_fetcher("User")
async def user_node(info: Info, pk: int) -> User | None:
    """Only yourself, or (for planners and admins) anyone of your own organisation."""
    principal = info.context.principal
    if principal is None:
        return None
    if pk != principal.user_id and not principal.is_back_office:
        return None
    user = await info.context.loaders.user_by_id.load(pk)
    if user is None or user.organisation_id != principal.organisation_id:  # type: ignore[attr-defined]
        return None
    return User.from_model(user)
