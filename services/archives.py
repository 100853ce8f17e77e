"""A parent's download of all data of their child: a ZIP built in the background.

`request_archive` (guardians only, until `access_window_weeks` after the child's last care
day) queues an `ArchiveJob`; the notification worker builds queued jobs (`build_queued`):
`index.html` plus every photo, video and attachment in full size, with progress 0–100 in the
row and `archive.progress` events in the outbox (topic `user:<id>`). The ZIP is kept in
storage until `expires_at` and fetched through a signed, expiring, user-bound URL
(`download_url` / `open_download`).
"""

from __future__ import annotations

import asyncio
import logging
import os
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from tortoise.transactions import in_transaction

import settings
from models import ArchiveJob, ArchiveStatus, Child, Guardianship, Organisation, Placement, User
from services import archive_content, clock, signing, storage
from services.errors import AccessDenied, Refusal, RefusedError
from services.events import DomainEvent, NullPublisher, Publisher, StoredEvent, record
from services.principal import Principal

logger = logging.getLogger("ouderlink.archives")
PURPOSE = "archive-download"
PROGRESS_EVENT = "archive.progress"
STALE_AFTER = timedelta(minutes=30)

ARCHIVE_WINDOW_CLOSED = Refusal(
    "ARCHIVE_WINDOW_CLOSED",
    "De gegevens van dit kind kun je niet meer downloaden: de laatste opvangdag is langer dan "
    "de bewaartermijn geleden.",
    "The data of this child can no longer be downloaded: the last care day is longer ago than "
    "the retention window.",
)


class ArchiveUnavailable(Exception):
    """The download address is invalid, expired, or not for this user (HTTP 403/404)."""

    def __init__(self, status: int, code: str) -> None:
        super().__init__(code)
        self.status, self.code = status, code


async def _window_open(child: Child) -> bool:
    """Until access_window_weeks after the last care day (open while a placement runs)."""
    ends = await Placement.filter(child_id=child.id).values_list("end_date", flat=True)
    if not ends or any(end is None for end in ends):
        return True
    org = await Organisation.get(id=child.organisation_id)  # type: ignore[attr-defined]
    last = max(ends)
    return clock.today(org.timezone) <= last + timedelta(weeks=org.access_window_weeks)


async def _progress_event(job: ArchiveJob, conn) -> StoredEvent:
    return await record(
        DomainEvent(
            PROGRESS_EVENT,
            f"user:{job.requested_by_id}",  # type: ignore[attr-defined]
            job.organisation_id,  # type: ignore[attr-defined]
            {"archive_job_id": job.id, "status": job.status.value, "progress": job.progress},
        ),
        conn,
    )


async def request_archive(principal: Principal, child_id: int) -> ArchiveJob:
    """Queue an archive of a child for one of its guardians (or return the one in progress)."""
    child = await Child.get_or_none(id=child_id, organisation_id=principal.organisation_id)
    if (
        child is None
        or not principal.is_parent
        or not await Guardianship.exists(child_id=child_id, user_id=principal.user_id)
    ):
        raise AccessDenied("NOT_FOUND")
    if not await _window_open(child):
        raise RefusedError(ARCHIVE_WINDOW_CLOSED)
    busy = await ArchiveJob.filter(
        child_id=child_id,
        requested_by_id=principal.user_id,
        status__in=[ArchiveStatus.QUEUED, ArchiveStatus.RUNNING],
    ).first()
    if busy is not None:
        return busy
    async with in_transaction() as conn:
        job = await ArchiveJob.create(
            organisation_id=principal.organisation_id,
            child_id=child_id,
            requested_by_id=principal.user_id,
            created_at=clock.now(),
            using_db=conn,
        )
        await _progress_event(job, conn)
    _wake()
    return job


def _wake() -> None:
    from services.notifications import worker

    worker.wake()


async def jobs_of(principal: Principal, limit: int = 20) -> list[ArchiveJob]:
    """The viewer's own archive jobs, newest first."""
    return (
        await ArchiveJob.filter(
            requested_by_id=principal.user_id, organisation_id=principal.organisation_id
        )
        .order_by("-id")
        .limit(limit)
    )


async def job_of(principal: Principal, job_id: int) -> ArchiveJob | None:
    return await ArchiveJob.get_or_none(
        id=job_id, requested_by_id=principal.user_id, organisation_id=principal.organisation_id
    )


async def _set(job: ArchiveJob, publisher: Publisher, **values) -> None:
    """Update the job and record its progress event, in one transaction; then publish."""
    for name, value in values.items():
        setattr(job, name, value)
    async with in_transaction() as conn:
        await ArchiveJob.filter(id=job.id).using_db(conn).update(**values)
        event = await _progress_event(job, conn)
    try:
        await publisher.publish(event)
    except Exception:  # the relay publishes it later; progress is in the row anyway
        logger.warning("archive %s: progress event %s not published", job.id, event.id)


async def _claim() -> ArchiveJob | None:
    """Take the oldest queued job (or one whose builder died) with a conditional update."""
    now = clock.now()
    candidates = await ArchiveJob.filter(status=ArchiveStatus.QUEUED).order_by("id").limit(5)
    candidates += (
        await ArchiveJob.filter(status=ArchiveStatus.RUNNING, started_at__lt=now - STALE_AFTER)
        .order_by("id")
        .limit(5)
    )
    for job in candidates:
        taken = await ArchiveJob.filter(
            id=job.id, status=job.status, started_at=job.started_at
        ).update(status=ArchiveStatus.RUNNING, started_at=now, progress=0)
        if taken:
            return await ArchiveJob.get(id=job.id)
    return None


async def _write_zip(job: ArchiveJob, target: Path, publisher: Publisher) -> None:
    child = await Child.get(id=job.child_id)  # type: ignore[attr-defined]
    content = await archive_content.gather(child)
    store = storage.default_storage()
    await _set(job, publisher, progress=10)
    total = max(len(content.media), 1)
    last = 10
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for n, media in enumerate(content.media.values(), start=1):
            name = content.file_name(media.id)
            path = store.path(media.storage_key)
            if path is not None and path.is_file():
                await asyncio.to_thread(zf.write, path, name, zipfile.ZIP_STORED)
            elif path is None:
                data = await store.open(media.storage_key)
                await asyncio.to_thread(zf.writestr, name, data, zipfile.ZIP_STORED)
            progress = 10 + (80 * n) // total
            if progress - last >= 10:
                await _set(job, publisher, progress=progress)
                last = progress
        page = archive_content.index_html(content, clock.now())
        await asyncio.to_thread(zf.writestr, "index.html", page)


async def build(job: ArchiveJob, publisher: Publisher | None = None) -> ArchiveJob:
    """Build one claimed job into storage and mark it done (or failed)."""
    publisher = publisher or NullPublisher()
    fd, name = tempfile.mkstemp(prefix="ouderlink-archive-", suffix=".zip")
    target = Path(name)
    try:
        os.close(fd)
        await _write_zip(job, target, publisher)
        key = storage.new_key(job.organisation_id, "archive", "zip")  # type: ignore[attr-defined]
        await storage.default_storage().save_file(key, target)
        size = (await asyncio.to_thread(target.stat)).st_size
        now = clock.now()
        await _set(
            job,
            publisher,
            status=ArchiveStatus.DONE,
            progress=100,
            file_key=key,
            size=size,
            finished_at=now,
            expires_at=now + timedelta(hours=settings.ARCHIVE_TTL_HOURS),
        )
    except Exception as exc:  # recorded on the job; the parent can ask again
        logger.exception("archive %s failed", job.id)
        await _set(job, publisher, status=ArchiveStatus.FAILED, error=f"{type(exc).__name__}"[:200])
    finally:
        await asyncio.to_thread(target.unlink, True)
    return job


async def build_queued(limit: int = 1, publisher: Publisher | None = None) -> int:
    """Build up to `limit` queued archives; the number built."""
    built = 0
    while built < limit:
        job = await _claim()
        if job is None:
            break
        await build(job, publisher)
        built += 1
    return built


def download_url(job: ArchiveJob, user_id: int) -> str | None:
    """A signed address for the finished ZIP, valid for a few minutes (never beyond the
    job's expiry), for the requester only."""
    now = clock.now()
    if job.status is not ArchiveStatus.DONE or job.expires_at is None or job.expires_at <= now:
        return None
    if job.requested_by_id != user_id:  # type: ignore[attr-defined]
        return None
    until = min(job.expires_at, now + timedelta(seconds=settings.ARCHIVE_DOWNLOAD_TTL_SECONDS))
    token = signing.sign(PURPOSE, {"j": job.id, "u": user_id}, until)
    return f"{settings.PUBLIC_URL.rstrip('/')}/archives/{token}"


@dataclass(frozen=True)
class ArchiveFile:
    key: str
    filename: str


async def open_download(token: str) -> ArchiveFile:
    """Check a download address; raises ArchiveUnavailable."""
    try:
        claims = signing.verify(PURPOSE, token)
    except signing.SignatureExpired:
        raise ArchiveUnavailable(403, "DOWNLOAD_URL_EXPIRED") from None
    except signing.BadSignature:
        raise ArchiveUnavailable(403, "DOWNLOAD_URL_INVALID") from None
    job = await ArchiveJob.get_or_none(id=claims.get("j"), requested_by_id=claims.get("u"))
    user = await User.get_or_none(id=claims.get("u"), is_active=True)
    if job is None or user is None or job.file_key is None:
        raise ArchiveUnavailable(404, "ARCHIVE_NOT_FOUND")
    if job.expires_at is None or job.expires_at <= clock.now():
        raise ArchiveUnavailable(404, "ARCHIVE_EXPIRED")
    child = await Child.get(id=job.child_id)  # type: ignore[attr-defined]
    stamp = (job.finished_at or clock.now()).date().isoformat()
    return ArchiveFile(job.file_key, f"ouderlink-{child.first_name}-{stamp}.zip")
