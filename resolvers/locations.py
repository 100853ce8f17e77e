"""The viewer's locations ("my location")."""

from __future__ import annotations

from resolvers.node import node_fetcher
from resolvers.outcomes import principal_of
from schema.context import Info
from schema.types.locations import Location
from services import locations


async def viewer_locations(info: Info) -> list[Location]:
    principal = principal_of(info)
    ids = await info.context.loaders.visible_location_ids()
    return [Location.from_model(loc) for loc in await locations.locations_for(principal, ids)]


@node_fetcher("Location")
async def location_node(info: Info, pk: int) -> Location | None:
    if pk not in await info.context.loaders.visible_location_ids():
        return None
    location = await info.context.loaders.location_by_id.load(pk)
    return Location.from_model(location) if location else None
