"""Timeline rules: who may post about which children, what is recorded, keyset paging."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from models import Event, MediaStatus, Role, TimelineItem, TimelineItemChild, TimelineMedia
from services import auth, clock, timeline
from services.errors import AccessDenied, RefusedError
from services.timeline import Position
from tests import factories, timeline_samples


async def principal_of(user):
    return await auth.authenticate(await factories.token_for(user))


async def test_staff_post_photos_about_several_children_of_their_group(db):
    # given
    t = await factories.tenant()
    first, second = (
        await timeline_samples.stored_photo(t.staff),
        await timeline_samples.stored_photo(t.staff),
    )
    published = []

    class Recorder:
        async def publish(self, event):
            assert await Event.filter(id=event.id).exists()  # committed before publishing
            published.append(event.id)

    # when
    item, events = await timeline.create_photo_post(
        await principal_of(t.staff),
        child_ids=[t.child.id, t.other_child.id],
        caption="  Zandbak  ",
        media_ids=[second.id, first.id],
        publisher=Recorder(),
    )
    # then
    assert (item.caption, item.group_id, item.author_id) == ("Zandbak", t.babies.id, t.staff.id)
    links = await TimelineItemChild.filter(item=item).order_by("child_id")
    assert [link.child_id for link in links] == sorted([t.child.id, t.other_child.id])
    assert all(link.posted_at == item.posted_at for link in links)
    media = await TimelineMedia.filter(item=item).order_by("position")
    assert [m.media_id for m in media] == [second.id, first.id]
    assert sorted(e.topic for e in events) == sorted(
        [f"child:{t.child.id}", f"child:{t.other_child.id}"]
    )
    stored = await Event.filter(type="timeline.item_added").order_by("id")
    assert [e.payload["itemId"] for e in stored] == [item.id, item.id]
    assert all(set(e.payload) == {"itemId", "childId"} for e in stored)
    assert published == [e.id for e in events]


async def expect_refusal(call, code: str) -> None:
    with pytest.raises(RefusedError) as refused:
        await call
    assert refused.value.refusal.code == code
    assert await TimelineItem.all().count() == 0
    assert await Event.filter(type="timeline.item_added").count() == 0


async def test_staff_may_not_post_about_a_child_of_another_group(db):
    # given
    t = await factories.tenant()
    photo = await timeline_samples.stored_photo(t.staff)
    staff = await principal_of(t.staff)
    # when / then
    await expect_refusal(
        timeline.create_photo_post(
            staff, child_ids=[t.child.id, t.bso_child.id], caption="", media_ids=[photo.id]
        ),
        "CHILD_NOT_IN_YOUR_GROUP",
    )


async def test_staff_may_not_post_about_a_child_of_another_organisation(db):
    # given
    t = await factories.tenant()
    other = await factories.tenant("zonnestraal")
    photo = await timeline_samples.stored_photo(t.staff)
    # when / then
    await expect_refusal(
        timeline.create_photo_post(
            await principal_of(t.staff),
            child_ids=[other.child.id],
            caption="",
            media_ids=[photo.id],
        ),
        "CHILD_NOT_IN_YOUR_GROUP",
    )


async def test_one_post_is_about_children_of_one_group(db):
    # given: a staff member working in both groups
    t = await factories.tenant()
    both = await factories.user(t.org, Role.STAFF)
    await factories.assign(both, t.babies)
    await factories.assign(both, t.bso)
    photo = await timeline_samples.stored_photo(both)
    # when / then
    await expect_refusal(
        timeline.create_photo_post(
            await principal_of(both),
            child_ids=[t.child.id, t.bso_child.id],
            caption="",
            media_ids=[photo.id],
        ),
        "CHILDREN_IN_DIFFERENT_GROUPS",
    )


async def test_a_child_who_left_the_group_cannot_be_in_a_new_post(db):
    # given
    t = await factories.tenant()
    leaver = await factories.child(
        t.org, grp=t.babies, end=clock.today() - timedelta(days=1), guardians=[t.parent]
    )
    photo = await timeline_samples.stored_photo(t.staff)
    # when / then
    await expect_refusal(
        timeline.create_photo_post(
            await principal_of(t.staff), child_ids=[leaver.id], caption="", media_ids=[photo.id]
        ),
        "CHILD_NOT_IN_YOUR_GROUP",
    )


async def test_a_post_needs_media(db):
    # given
    t = await factories.tenant()
    # when / then
    await expect_refusal(
        timeline.create_photo_post(
            await principal_of(t.staff), child_ids=[t.child.id], caption="Hoi", media_ids=[]
        ),
        "NO_MEDIA",
    )


async def test_a_post_needs_children(db):
    # given
    t = await factories.tenant()
    photo = await timeline_samples.stored_photo(t.staff)
    # when / then
    await expect_refusal(
        timeline.create_photo_post(
            await principal_of(t.staff), child_ids=[], caption="", media_ids=[photo.id]
        ),
        "NO_CHILDREN",
    )


async def test_a_photo_still_uploading_cannot_be_posted(db):
    # given
    t = await factories.tenant()
    photo = await timeline_samples.stored_photo(t.staff)
    photo.status = MediaStatus.PENDING
    await photo.save()
    # when / then
    await expect_refusal(
        timeline.create_photo_post(
            await principal_of(t.staff), child_ids=[t.child.id], caption="", media_ids=[photo.id]
        ),
        "MEDIA_NOT_READY",
    )


async def test_a_colleagues_photo_cannot_be_posted(db):
    # given
    t = await factories.tenant()
    colleague = await factories.user(t.org, Role.STAFF)
    photo = await timeline_samples.stored_photo(colleague)
    # when / then
    await expect_refusal(
        timeline.create_photo_post(
            await principal_of(t.staff), child_ids=[t.child.id], caption="", media_ids=[photo.id]
        ),
        "MEDIA_NOT_FOUND",
    )


async def test_a_too_long_caption_is_refused(db):
    # given
    t = await factories.tenant()
    photo = await timeline_samples.stored_photo(t.staff)
    # when / then
    await expect_refusal(
        timeline.create_photo_post(
            await principal_of(t.staff),
            child_ids=[t.child.id],
            caption="x" * (timeline.MAX_CAPTION + 1),
            media_ids=[photo.id],
        ),
        "CAPTION_TOO_LONG",
    )


async def test_parents_do_not_post_photos(db):
    # given
    t = await factories.tenant()
    photo = await timeline_samples.stored_photo(t.parent)
    # when
    with pytest.raises(AccessDenied):
        await timeline.create_photo_post(
            await principal_of(t.parent), child_ids=[t.child.id], caption="", media_ids=[photo.id]
        )
    # then
    assert await TimelineItem.all().count() == 0


# --- paging ----------------------------------------------------------------------------


async def test_timelines_of_several_children_page_newest_first_without_gaps(db):
    # given: 7 items for one child (two share a moment), 2 for another, 1 shared
    t = await factories.tenant()
    photo = await timeline_samples.stored_photo(t.staff)
    base = clock.now() - timedelta(days=3)
    moments = [base + timedelta(hours=h) for h in (1, 2, 3, 3, 5, 6, 7)]
    mine = [
        await timeline_samples.photo_post(t.babies, t.staff, [t.child], [photo], posted_at=m)
        for m in moments
    ]
    theirs = [
        await timeline_samples.photo_post(
            t.babies, t.staff, [t.other_child], [photo], posted_at=base + timedelta(hours=h)
        )
        for h in (2, 4)
    ]
    shared = await timeline_samples.photo_post(
        t.babies, t.staff, [t.child, t.other_child], [photo], posted_at=base + timedelta(hours=8)
    )
    # when
    seen: list[int] = []
    after = None
    while True:
        pages = await timeline.timeline_pages([t.child.id, t.other_child.id], 3, after)
        page = pages[t.child.id]
        seen += [p.item_id for p in page.positions]
        if not page.has_next:
            break
        after = page.positions[-1]
    first_page_of_other = (await timeline.timeline_pages([t.other_child.id], 3))[t.other_child.id]
    # then
    expected = [shared, *sorted(mine, key=lambda i: (i.posted_at, i.id), reverse=True)]
    assert seen == [i.id for i in expected]
    assert [p.item_id for p in first_page_of_other.positions] == [
        shared.id,
        theirs[1].id,
        theirs[0].id,
    ]
    assert not first_page_of_other.has_next


async def test_an_empty_timeline_is_an_empty_page(db):
    # given
    t = await factories.tenant()
    # when
    pages = await timeline.timeline_pages([t.child.id], 20, Position(clock.now(), 5))
    # then
    assert pages[t.child.id].positions == [] and not pages[t.child.id].has_next


async def test_moments_written_with_different_offsets_are_ordered_by_time(db):
    # given: 15:30 in Amsterdam (14:30 UTC) is older than 15:00 UTC, across pages too
    t = await factories.tenant()
    photo = await timeline_samples.stored_photo(t.staff)
    amsterdam = ZoneInfo("Europe/Amsterdam")
    day = (clock.now() - timedelta(days=2)).date()
    local = datetime(day.year, day.month, day.day, 15, 30, tzinfo=amsterdam)
    utc = local.astimezone(UTC) + timedelta(minutes=30)
    older = await timeline_samples.photo_post(
        t.babies, t.staff, [t.child], [photo], posted_at=local
    )
    newer = await timeline_samples.photo_post(t.babies, t.staff, [t.child], [photo], posted_at=utc)
    # when
    first = (await timeline.timeline_pages([t.child.id], 1))[t.child.id]
    second = (await timeline.timeline_pages([t.child.id], 1, first.positions[0]))[t.child.id]
    # then
    assert [p.item_id for p in first.positions + second.positions] == [newer.id, older.id]
    assert first.positions[0].posted_at == utc
    assert not second.has_next
