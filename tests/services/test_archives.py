"""A parent's data download: who may ask, the 8-week window, the ZIP, progress, the URL."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, time, timedelta

import pytest

from models import (
    ArchiveJob,
    ArchiveStatus,
    CreditLedgerEntry,
    CreditType,
    DayKind,
    DayRequest,
    DayStatus,
    DiaryEntry,
    Event,
    LedgerKind,
    MediaFile,
    MediaKind,
    MediaStatus,
    Placement,
    RequestedDay,
    TimelineItem,
    TimelineItemChild,
    TimelineKind,
    TimelineMedia,
)
from services import archives, auth, clock, messaging, signing, storage
from services.errors import AccessDenied, RefusedError
from services.events import NullPublisher
from tests import factories

START = datetime.now(UTC).replace(microsecond=0)
PHOTO = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40  # stands for a full-size JPEG


@pytest.fixture(autouse=True)
def moving_clock():
    now = [START]
    clock.set_clock(lambda: now[0])
    yield now
    clock.set_clock(None)


async def principal(user):
    return await auth.authenticate(await factories.token_for(user))


async def child_history(t) -> MediaFile:
    """A photo post, a diary entry, a message, a care day and a credit entry of Sam."""
    key = storage.new_key(t.org.id, "photo", "jpg")
    await storage.default_storage().save(key, PHOTO)
    photo = await MediaFile.create(
        organisation=t.org,
        kind=MediaKind.PHOTO,
        status=MediaStatus.READY,
        content_type="image/jpeg",
        filename="zandbak.jpg",
        size=len(PHOTO),
        storage_key=key,
    )
    item = await TimelineItem.create(
        organisation=t.org,
        kind=TimelineKind.PHOTO_POST,
        group=t.babies,
        author=t.staff,
        caption="Spelen in de <zandbak>",
        posted_at=clock.now(),
    )
    await TimelineItemChild.create(item=item, child=t.child, posted_at=clock.now())
    await TimelineMedia.create(item=item, media=photo, position=0)
    await DiaryEntry.create(
        organisation=t.org,
        child=t.child,
        group=t.babies,
        author=t.staff,
        date=clock.today(),
        text="Goed geslapen & gegeten",
    )
    await messaging.start_conversation(
        await principal(t.parent),
        child_id=t.child.id,
        body="Sam wordt om 16:00 <b>opgehaald</b>",
        publisher=NullPublisher(),
    )
    request = await DayRequest.create(organisation=t.org, requested_by=t.parent)
    await RequestedDay.create(
        organisation=t.org,
        request=request,
        child=t.child,
        group=t.babies,
        kind=DayKind.EXTRA,
        date=clock.today() + timedelta(days=3),
        start_time=time(8, 0),
        end_time=time(13, 0),
        status=DayStatus.APPROVED,
    )
    flex = await CreditType.create(organisation=t.org, name="KDV flextegoed")
    await CreditLedgerEntry.create(
        organisation=t.org,
        child=t.child,
        credit_type=flex,
        kind=LedgerKind.PURCHASE,
        minutes=600,
        lot_year=clock.today().year,
        note="Aangekocht",
    )
    return photo


async def test_a_guardian_gets_a_zip_with_a_readable_index_and_full_size_photos(db):
    # given
    t = await factories.tenant()
    photo = await child_history(t)
    # when
    job = await archives.request_archive(await principal(t.parent), t.child.id)
    built = await archives.build_queued()
    # then
    job = await ArchiveJob.get(id=job.id)
    assert built == 1
    assert (job.status, job.progress) == (ArchiveStatus.DONE, 100)
    assert job.expires_at == START + timedelta(hours=72)
    data = await storage.default_storage().open(job.file_key)
    assert job.size == len(data)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        index = zf.read("index.html").decode()
        assert zf.read(f"media/{photo.id}-zandbak.jpg") == PHOTO
    assert "index.html" in names
    assert "Sam Jansen" in index
    assert "Spelen in de &lt;zandbak&gt;" in index and "<zandbak>" not in index
    assert "Goed geslapen &amp; gegeten" in index
    assert "&lt;b&gt;opgehaald&lt;/b&gt;" in index
    assert "08:00" in index and "approved" in index
    assert "KDV flextegoed" in index and "600" in index
    assert f'href="media/{photo.id}-zandbak.jpg"' in index


async def test_progress_is_recorded_as_events_for_the_requester(db):
    # given
    t = await factories.tenant()
    job = await archives.request_archive(await principal(t.parent), t.child.id)
    # when
    await archives.build_queued()
    # then
    events = await Event.filter(type="archive.progress").order_by("id")
    assert {e.topic for e in events} == {f"user:{t.parent.id}"}
    assert events[0].payload["status"] == "queued"
    assert events[-1].payload == {"archive_job_id": job.id, "status": "done", "progress": 100}


async def test_asking_twice_while_it_is_being_built_gives_the_same_job(db):
    t = await factories.tenant()
    first = await archives.request_archive(await principal(t.parent), t.child.id)
    second = await archives.request_archive(await principal(t.parent), t.child.id)
    assert first.id == second.id


async def test_only_a_guardian_of_the_child_may_ask(db):
    # given
    t = await factories.tenant()
    other = await factories.tenant("zonnetje")
    # when / then
    for user, child in (
        (t.other_parent, t.child),
        (t.staff, t.child),
        (t.planner, t.child),
        (other.parent, t.child),
    ):
        with pytest.raises(AccessDenied):
            await archives.request_archive(await principal(user), child.id)
    assert not await ArchiveJob.exists()


async def test_a_download_after_the_window_is_refused(db):
    # given: Sam's care ended nine weeks ago
    t = await factories.tenant()
    await Placement.filter(child_id=t.child.id).update(end_date=clock.today() - timedelta(weeks=9))
    # when / then
    with pytest.raises(RefusedError) as refused:
        await archives.request_archive(await principal(t.parent), t.child.id)
    assert refused.value.refusal.code == "ARCHIVE_WINDOW_CLOSED"
    assert not await ArchiveJob.exists()


async def test_a_download_seven_weeks_after_the_last_day_is_allowed(db):
    t = await factories.tenant()
    await Placement.filter(child_id=t.child.id).update(end_date=clock.today() - timedelta(weeks=7))
    job = await archives.request_archive(await principal(t.parent), t.child.id)
    assert job.status is ArchiveStatus.QUEUED


async def test_the_download_url_is_for_the_requester_and_expires(db, moving_clock):
    # given
    t = await factories.tenant()
    job = await archives.request_archive(await principal(t.parent), t.child.id)
    await archives.build_queued()
    job = await ArchiveJob.get(id=job.id)
    # when
    url = archives.download_url(job, t.parent.id)
    token = url.rsplit("/", 1)[1]
    found = await archives.open_download(token)
    # then
    assert found.key == job.file_key and found.filename.endswith(".zip")
    assert archives.download_url(job, t.other_parent.id) is None
    moving_clock[0] += timedelta(minutes=16)
    with pytest.raises(archives.ArchiveUnavailable) as expired:
        await archives.open_download(token)
    assert expired.value.code == "DOWNLOAD_URL_EXPIRED"
    moving_clock[0] = START + timedelta(hours=73)
    assert archives.download_url(job, t.parent.id) is None
    late = signing.sign(
        archives.PURPOSE, {"j": job.id, "u": t.parent.id}, clock.now() + timedelta(minutes=5)
    )
    with pytest.raises(archives.ArchiveUnavailable) as gone:
        await archives.open_download(late)
    assert gone.value.code == "ARCHIVE_EXPIRED"


async def test_a_build_that_died_is_taken_up_again(db, moving_clock):
    # given: a job marked running by a worker that died an hour ago
    t = await factories.tenant()
    job = await archives.request_archive(await principal(t.parent), t.child.id)
    await ArchiveJob.filter(id=job.id).update(
        status=ArchiveStatus.RUNNING, started_at=START - timedelta(hours=1)
    )
    # when
    built = await archives.build_queued()
    # then
    assert built == 1
    assert (await ArchiveJob.get(id=job.id)).status is ArchiveStatus.DONE
