"""Children the viewer may see."""

from __future__ import annotations

from resolvers.node import node_fetcher
from schema.context import Info
from schema.relay import Connection, connection, paginate_keys
from schema.types.children import Child


async def viewer_children(info: Info, first: int | None, after: str | None) -> Connection[Child]:
    loaders = info.context.loaders
    ids, has_next = paginate_keys(await loaders.visible_child_ids(), first, after)
    children = [Child.from_model(c) for c in await loaders.visible_children(ids)]
    return connection(children, lambda c: str(c.pk), has_next)


@node_fetcher("Child")
async def child_node(info: Info, pk: int) -> Child | None:
    loaders = info.context.loaders
    if pk not in await loaders.visible_child_ids():
        return None
    child = await loaders.child_by_id.load(pk)
    return Child.from_model(child) if child else None
