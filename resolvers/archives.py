"""Child archives: request one, list the viewer's, fetch one by node id."""

from __future__ import annotations

from resolvers.node import node_fetcher
from resolvers.outcomes import outcome, principal_of
from schema.context import Info
from schema.ids import pk_of
from schema.types.archives import ArchiveJob, ArchiveRequested, RequestChildArchiveResult
from services import archives


async def request_child_archive(info: Info, child_id: str) -> RequestChildArchiveResult:
    principal = principal_of(info)
    call = archives.request_archive(principal, pk_of(child_id, "Child"))
    return await outcome(
        info, call, lambda job: ArchiveRequested(job=ArchiveJob.from_model(job, principal.user_id))
    )


async def viewer_archive_jobs(info: Info) -> list[ArchiveJob]:
    principal = principal_of(info)
    jobs = await archives.jobs_of(principal)
    return [ArchiveJob.from_model(job, principal.user_id) for job in jobs]


@node_fetcher("ArchiveJob")
async def archive_job_node(info: Info, pk: int) -> ArchiveJob | None:
    principal = principal_of(info)
    job = await archives.job_of(principal, pk)
    return ArchiveJob.from_model(job, principal.user_id) if job else None
