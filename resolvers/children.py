"""Children the viewer may see."""

from __future__ import annotations

from resolvers.lookahead import below, int_argument
from resolvers.node import node_fetcher
from resolvers.timeline import timeline_position
from schema.context import Info
from schema.relay import Connection, connection, page_size, paginate_keys
from schema.types.children import Child
from services import children_snapshot


async def viewer_children(info: Info, first: int | None, after: str | None) -> Connection[Child]:
    loaders = info.context.loaders
    ids, has_next = paginate_keys(await loaders.visible_child_ids(), first, after)
    if ids:
        await prefetch_children(info, ids)
    children = [Child.from_model(c) for c in await loaders.visible_children(ids)]
    return connection(children, lambda c: str(c.pk), has_next)


async def prefetch_children(info: Info, ids: list[int]) -> None:
    """Lookahead: the page's children with the placements, mentors and first timeline page
    their nodes ask for, in one statement (services.children_snapshot), primed into the
    loaders. The field resolvers below read them there and apply every access rule as
    always; what is not prefetched (another timeline page, `placements(activeOn:)`) they
    load themselves."""
    loaders = info.context.loaders
    node = below(info.selected_fields[0].selections, "edges", "node")
    placements = any(
        f.name == "mentor" or (f.name == "placements" and f.arguments.get("activeOn") is None)
        for f in node
    )
    timeline, page_key = None, None
    timelines = [f for f in node if f.name == "timeline"]
    if timelines:
        size = page_size(int_argument(timelines[0], "first"))
        position = timeline_position(timelines[0].arguments.get("after"))
        timeline, page_key = children_snapshot.TimelineWanted(size, position), (size, position)
    snapshot = await children_snapshot.load(
        ids,
        await loaders.visible_child_ids(),
        today=await loaders.today(),
        placements=placements,
        timeline=timeline,
    )
    loaders.prime_children(snapshot, page_key)


@node_fetcher("Child")
async def child_node(info: Info, pk: int) -> Child | None:
    loaders = info.context.loaders
    if pk not in await loaders.visible_child_ids():
        return None
    child = await loaders.child_by_id.load(pk)
    return Child.from_model(child) if child else None
