"""The demo data: its shape, its files, its logins, and that it is created once and the same way."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image

from demo import DEMO_LOGINS, reset_demo, seed
from demo.data import PASSWORD
from models import (
    Child,
    DiaryEntry,
    Group,
    Guardianship,
    MediaFile,
    MediaStatus,
    Organisation,
    Placement,
    TimelineItem,
    TimelineItemChild,
    User,
)
from services.passwords import verify_password
from services.storage import InvalidStorageKey, LocalDiskStorage, new_key

TODAY = date(2026, 11, 30)


@pytest.fixture
def storage(tmp_path: Path) -> LocalDiskStorage:
    return LocalDiskStorage(tmp_path / "media")


def _age_months(birth: date, on: date) -> float:
    return (on - birth).days / 30.44


def _pdf_is_consistent(pdf: bytes) -> bool:
    """Header, EOF marker, and every xref offset points at its object."""
    if not pdf.startswith(b"%PDF-1.") or not pdf.rstrip().endswith(b"%%EOF"):
        return False
    start = int(re.search(rb"startxref\n(\d+)", pdf).group(1))
    table = pdf[start:].split(b"trailer")[0].splitlines()[3:]
    offsets = [int(line[:10]) for line in table if line.endswith(b" n ")]
    return all(pdf[o:].startswith(b"%d 0 obj" % n) for n, o in enumerate(offsets, start=1))


async def test_seed_creates_a_realistic_hoera_and_a_small_zonnestraal(db, storage):
    summary = await seed(today=TODAY, storage=storage)

    assert summary.created
    assert await Organisation.filter(slug__in=("hoera", "zonnestraal")).count() == 2
    hoera = await Organisation.get(slug="hoera")
    assert (hoera.request_min_lead_hours, hoera.request_max_lead_days) == (48, 60)
    children = await Child.filter(organisation=hoera)
    assert 28 <= len(children) <= 36
    assert summary.counts["children"] == len(children) + 3

    ages = {"Boompjes": (0, 12), "Peuters Appeltjes": (12, 48), "BSO Klavertje Vier": (48, 144)}
    for child in children:
        assert await Guardianship.filter(child=child).exists(), child.first_name
        placements = await Placement.filter(child=child).prefetch_related("group", "mentor")
        assert placements, child.first_name
        for placement in placements:
            assert placement.start_date < TODAY
            assert placement.group.organisation_id == hoera.id
            assert placement.mentor is not None and placement.mentor.organisation_id == hoera.id
            assert len(placement.schedule) in ((0,) if "flex" in placement.care_type else (2, 3, 4))
        latest = max(placements, key=lambda p: p.start_date)
        low, high = ages[latest.group.name]
        assert low <= _age_months(child.birth_date, min(TODAY, latest.end_date or TODAY)) <= high

    # The access window is shown by a child whose care ended more than 8 weeks ago.
    ended = await Placement.filter(organisation=hoera, end_date__lt=TODAY - timedelta(weeks=8))
    assert ended

    babies = await Group.get(organisation=hoera, name="Boompjes")
    assert babies.keeps_diary
    entries = await DiaryEntry.filter(group=babies).prefetch_related("author")
    assert len(entries) >= 20
    assert {e.author.role for e in entries} == {"staff", "parent"}
    assert all(e.date < TODAY for e in entries)
    assert await TimelineItem.filter(diary_entry_id__in=[e.id for e in entries]).count() == len(
        entries
    )
    assert not await DiaryEntry.filter(organisation=hoera).exclude(group=babies).exists()


async def test_known_logins_exist_and_their_password_verifies(db, storage):
    await seed(today=TODAY, storage=storage)
    emails = [login.email for login in DEMO_LOGINS]
    assert {"ouder@hoera.example", "medewerker@hoera.example", "planner@hoera.example",
            "beheer@hoera.example", "ouder@zonnestraal.example"} <= set(emails)  # fmt: skip
    for login in DEMO_LOGINS:
        user = await User.get(organisation__slug=login.organisation, email=login.email)
        assert user.role == login.role and user.is_active
        assert login.password == PASSWORD
        assert verify_password(user.password_hash, login.password)
    assert not await User.filter(organisation__slug="zonnestraal", email="ouder@hoera.example")


async def test_media_files_are_real_and_on_disk(db, storage):
    await seed(today=TODAY, storage=storage)
    files = await MediaFile.all()
    assert len(files) > 100
    kinds = {f.content_type for f in files}
    assert kinds == {"image/jpeg", "application/pdf"}
    for media in files:
        assert media.status == MediaStatus.READY
        assert storage.exists(media.storage_key)
        assert re.fullmatch(
            rf"org-{media.organisation_id}/\w+/[0-9a-f]{{32}}\.\w+", media.storage_key
        )
        data = await storage.open(media.storage_key)
        assert len(data) == media.size
        if media.content_type == "image/jpeg":
            with Image.open(io.BytesIO(data)) as image:
                assert image.format == "JPEG" and image.size == (media.width, media.height)
            with Image.open(io.BytesIO(await storage.open(media.thumbnail_key))) as thumb:
                assert max(thumb.size) == 160
        else:
            assert _pdf_is_consistent(data), media.filename


async def test_timeline_never_mixes_organisations(db, storage):
    await seed(today=TODAY, storage=storage)
    links = await TimelineItemChild.all().prefetch_related("item", "child")
    assert links
    for link in links:
        assert link.item.organisation_id == link.child.organisation_id
        assert link.posted_at == link.item.posted_at
    guardianships = await Guardianship.all().prefetch_related("user", "child")
    assert all(g.user.organisation_id == g.child.organisation_id for g in guardianships)
    zonnestraal = await Organisation.get(slug="zonnestraal")
    assert await Child.filter(organisation=zonnestraal).count() == 3
    assert await TimelineItem.filter(organisation=zonnestraal).exists()


async def test_seeding_twice_does_not_duplicate_and_reset_recreates_the_same(db, storage):
    first = await seed(today=TODAY, storage=storage)
    fingerprint = await _fingerprint()
    again = await seed(today=TODAY, storage=storage)
    assert not again.created
    assert again.counts == first.counts

    old_keys = await MediaFile.all().values_list("storage_key", flat=True)
    assert await reset_demo(storage) == 2
    assert not any(storage.exists(key) for key in old_keys)
    recreated = await seed(today=TODAY, storage=storage)
    assert recreated.created and recreated.counts == first.counts
    assert await _fingerprint() == fingerprint


async def _fingerprint() -> list:
    """The content of the demo, without ids and storage keys (those differ per run)."""
    children = await Child.all().order_by("id").values_list("first_name", "birth_date")
    placements = await Placement.all().order_by("id").values_list("schedule", "start_date")
    captions = await TimelineItem.all().order_by("id").values_list("caption", "posted_at")
    diary = await DiaryEntry.all().order_by("id").values_list("text", "details")
    sizes = await MediaFile.all().order_by("id").values_list("filename", "size")
    return [children, placements, captions, diary, sizes]


async def test_local_disk_storage_round_trip_and_unsafe_keys(tmp_path):
    storage = LocalDiskStorage(tmp_path)
    key = new_key(7, "photo", ".JPG")
    assert re.fullmatch(r"org-7/photo/[0-9a-f]{32}\.jpg", key)
    await storage.save(key, b"bytes")
    assert storage.exists(key) and await storage.open(key) == b"bytes"
    assert storage.path(key) == tmp_path.resolve() / key
    assert not list(storage.path(key).parent.glob(".tmp-*"))
    await storage.delete(key)
    await storage.delete(key)  # deleting twice is fine
    assert not storage.exists(key)
    for bad in ("../x.jpg", "/etc/passwd", "org-1/../../x", "org-1//x", "org-1/.x", "a\\b", ""):
        with pytest.raises(InvalidStorageKey):
            await storage.save(bad, b"x")
