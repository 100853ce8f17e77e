"""`archiveProgress`: progress of the viewer's data downloads, live (see `subscriptions.live`)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from resolvers.node import resolve_node
from schema.context import Info
from schema.ids import pk_of, to_global_id
from schema.relay import Edge
from schema.types.archives import ArchiveJob
from services.archives import PROGRESS_EVENT
from services.events import StoredEvent
from subscriptions.live import LiveScope, event_cursor, live_events


async def archive_progress(
    info: Info, job_id: str | None, after: str | None
) -> AsyncIterator[Edge[ArchiveJob]]:
    """Each progress step of one job (or all of the viewer's jobs), as the owner sees it."""
    principal = info.context.principal
    assert principal is not None  # IsAuthenticated
    only = pk_of(job_id, "ArchiveJob") if job_id else None
    scope = LiveScope.of({f"user:{principal.user_id}"}, {PROGRESS_EVENT})

    async def topics() -> LiveScope:
        return scope

    async def load(event: StoredEvent) -> ArchiveJob | None:
        pk = int(event.payload["archive_job_id"])
        if only is not None and pk != only:
            return None
        job = await resolve_node(info, to_global_id("ArchiveJob", pk))
        return job if isinstance(job, ArchiveJob) else None

    async for event, node in live_events(info, topics, after, load):
        yield Edge(cursor=event_cursor(event.id), node=node)
