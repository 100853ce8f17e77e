"""The root Query."""

from __future__ import annotations

import strawberry

from resolvers.figures import may_see_figures
from resolvers.node import resolve_node
from schema.context import Info
from schema.relay import Node
from schema.types.account import About
from schema.types.figures import Figures
from schema.types.viewer import Viewer


@strawberry.type
class Query:
    @strawberry.field(description="Any object by global ID, or null when you may not see it.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return await resolve_node(info, id)

    @strawberry.field(description="The authenticated viewer; null when not logged in.")
    def viewer(self, info: Info) -> Viewer | None:
        return Viewer() if info.context.principal is not None else None

    @strawberry.field(
        description="Figures of the organisation, for dashboards: an API token (each field "
        "needs its scope) or a planner or admin. Null for anybody else."
    )
    def figures(self, info: Info) -> Figures | None:
        return Figures() if may_see_figures(info) else None

    @strawberry.field
    def about(self) -> About:
        return About()
