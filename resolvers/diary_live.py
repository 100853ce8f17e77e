"""`diaryEntryDeleted`: removals of diary entries, live, on the machinery of
`subscriptions.live` (same scope as `diaryEntryAdded`, same cursor, same guarantees).

The entry is gone, so an event is reloaded as its ids, and only while the viewer still sees
the child (the same check as `node(id:)` and `Child.diary`)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import strawberry

from models import Group
from schema.context import Info
from schema.ids import pk_of, to_global_id
from schema.relay import Edge
from services import access
from services.diary import DIARY_ENTRY_DELETED
from services.errors import AccessDenied
from services.events import StoredEvent
from subscriptions.live import LiveScope, event_cursor, live_events


@strawberry.type(description="A diary entry its author deleted: drop it from the screen.")
class DiaryEntryRemoval:
    id: strawberry.ID = strawberry.field(description="The DiaryEntry id that is gone.")
    child_id: strawberry.ID


async def diary_entry_deleted(
    info: Info, child_id: str | None, after: str | None
) -> AsyncIterator[Edge[DiaryEntryRemoval]]:
    principal = info.context.principal
    assert principal is not None  # IsAuthenticated
    only = pk_of(child_id, "Child") if child_id else None
    types = {DIARY_ENTRY_DELETED}

    async def scope() -> LiveScope:
        if only is not None:
            if only not in set(await access.visible_child_ids(principal)):
                raise AccessDenied("NOT_FOUND")
            return LiveScope.of({f"child:{only}"}, types)
        if principal.is_parent:
            topics = {f"child:{c}" for c in await access.visible_child_ids(principal)}
        elif principal.is_staff:
            topics = {f"group:{g}" for g in await access.staff_group_ids(principal)}
        else:
            groups = Group.filter(organisation_id=principal.organisation_id)
            topics = {f"group:{g}" for g in await groups.values_list("id", flat=True)}
        return LiveScope.of(topics, types)

    async def load(event: StoredEvent) -> DiaryEntryRemoval | None:
        child = int(event.payload["child_id"])
        if child not in set(await info.context.loaders.visible_child_ids()):
            return None
        return DiaryEntryRemoval(
            id=strawberry.ID(to_global_id("DiaryEntry", int(event.payload["diary_entry_id"]))),
            child_id=strawberry.ID(to_global_id("Child", child)),
        )

    async for event, node in live_events(info, scope, after, load):
        yield Edge(cursor=event_cursor(event.id), node=node)
