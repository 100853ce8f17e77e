"""A parent's archive (ZIP) of all data of a child, built in the background."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry

from models import ArchiveJob as ArchiveJobModel
from schema.ids import to_global_id
from schema.relay import Node
from schema.types.refusal import Refused
from services import archives


@strawberry.enum
class ArchiveStatus(Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@strawberry.type(description="An archive of one child: poll it (node or viewer.archiveJobs).")
class ArchiveJob(Node):
    pk: strawberry.Private[int]
    viewer_id: strawberry.Private[int]
    model: strawberry.Private[ArchiveJobModel]
    child_id: strawberry.ID
    status: ArchiveStatus
    progress: int = strawberry.field(description="0–100.")
    size: int = strawberry.field(description="Bytes of the ZIP once done.")
    created_at: datetime
    finished_at: datetime | None
    expires_at: datetime | None = strawberry.field(description="The ZIP is deleted after this.")

    @strawberry.field(
        description="A signed address of the ZIP, valid for a few minutes; null until done or "
        "after expiry. Ask again for a fresh one."
    )
    def download_url(self) -> str | None:
        return archives.download_url(self.model, self.viewer_id)

    @classmethod
    def from_model(cls, job: ArchiveJobModel, viewer_id: int) -> ArchiveJob:
        return cls(
            id=strawberry.ID(to_global_id("ArchiveJob", job.id)),
            pk=job.id,
            viewer_id=viewer_id,
            model=job,
            child_id=strawberry.ID(to_global_id("Child", job.child_id)),  # type: ignore[attr-defined]
            status=ArchiveStatus(job.status.value),
            progress=job.progress,
            size=job.size,
            created_at=job.created_at,
            finished_at=job.finished_at,
            expires_at=job.expires_at,
        )


@strawberry.type
class ArchiveRequested:
    job: ArchiveJob


RequestChildArchiveResult = Annotated[
    ArchiveRequested | Refused, strawberry.union("RequestChildArchiveResult")
]
