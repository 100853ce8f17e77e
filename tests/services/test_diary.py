"""Diary day-reports (services.diary): who writes, edits and deletes, the validation of the
parts, and the entry committed together with its timeline card and outbox event."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models import (
    DiaryEntry,
    DiaryMedia,
    Event,
    EventAudience,
    MediaStatus,
    TimelineItem,
    TimelineItemChild,
)
from services import diary
from services.diary_pages import diary_pages
from services.diary_parts import DiaryParts, Meal, Nappy, Sleep
from services.errors import AccessDenied
from tests import factories
from tests.diary_samples import (
    TODAY,
    Recorder,
    at,
    media_of,
    principal_of,
    refusal_of,
    set_now,
)


async def write(user, child, **kwargs):  # type: ignore[no-untyped-def]
    fields = {"day": None, "text": "Fijne dag", "parts": None, "media_ids": []}
    fields.update(kwargs)
    publisher = fields.pop("publisher", Recorder())
    return await diary.write_entry(
        principal_of(user), child_id=child.id, publisher=publisher, **fields
    )


@pytest.fixture
async def t(db):  # type: ignore[no-untyped-def]
    set_now(at(TODAY))
    return await factories.tenant()


async def test_staff_write_an_entry_with_parts_media_card_and_event(t):
    # given
    photo = await media_of(t.staff)
    publisher = Recorder()
    parts = DiaryParts(
        meals=[Meal("09:30", "fles", "150 ml")],
        sleeps=[Sleep("10:00", "11:30")],
        nappies=[Nappy("11:45", "dirty")],
        mood="vrolijk",
        activities=["zandbak"],
    )
    # when
    entry = await write(t.staff, t.child, parts=parts, media_ids=[photo.id], publisher=publisher)
    # then the entry, its parts and media
    assert (entry.group_id, entry.date, entry.text) == (t.babies.id, TODAY, "Fijne dag")
    assert entry.details == {
        "meals": [{"time": "09:30", "what": "fles", "amount": "150 ml"}],
        "sleeps": [{"start": "10:00", "end": "11:30"}],
        "nappies": [{"time": "11:45", "kind": "dirty"}],
        "mood": "vrolijk",
        "activities": ["zandbak"],
    }
    assert await DiaryMedia.filter(entry_id=entry.id).values_list("media_id", flat=True) == [
        photo.id
    ]
    # and one DIARY card on the child's timeline
    item = await TimelineItem.get(diary_entry_id=entry.id)
    assert await TimelineItemChild.filter(item_id=item.id).values_list("child_id", flat=True) == [
        t.child.id
    ]
    # and diary_entry.added on the child's topic, for the group, handed to the publisher
    event = await Event.get(type="diary_entry.added")
    assert (event.topic, event.payload["diary_entry_id"]) == (f"child:{t.child.id}", entry.id)
    audience = await EventAudience.filter(event_id=event.id).values_list("topic", flat=True)
    assert list(audience) == [f"group:{t.babies.id}"]
    assert [e.id for e in publisher.events] == [event.id]


async def test_a_parent_writes_for_their_own_child_in_its_diary_group(t):
    entry = await write(t.parent, t.child, text="Slecht geslapen vannacht")
    assert (entry.author_id, entry.group_id) == (t.parent.id, t.babies.id)


async def test_who_may_not_write(t):
    # staff of another group and a parent of another child do not see the child
    for user in (t.bso_staff, t.other_parent):
        with pytest.raises(AccessDenied) as denied:
            await write(user, t.child)
        assert denied.value.code == "NOT_FOUND"
    # the back office reads diaries but does not write them
    with pytest.raises(AccessDenied):
        await write(t.planner, t.child)
    # a group that keeps no diary (the BSO)
    assert await refusal_of(write(t.bso_staff, t.bso_child)) == "DIARY_NOT_KEPT"
    assert await refusal_of(write(t.parent, t.sibling)) == "DIARY_NOT_KEPT"
    assert await DiaryEntry.all().count() == 0


async def test_staff_write_only_for_children_in_their_group_today(t):
    # given Sam moved to the BSO yesterday (his Boompjes placement ended)
    await t.child.placements.all().update(end_date=TODAY - timedelta(days=1))
    await factories.placement(t.child, t.bso, start=TODAY)
    # then Boompjes staff still see him (access window) but no longer write for him
    assert await refusal_of(write(t.staff, t.child)) == "CHILD_NOT_IN_YOUR_GROUP"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"text": "   "}, "EMPTY_DIARY_ENTRY"),
        ({"text": "x" * 5001}, "TEXT_TOO_LONG"),
        ({"parts": DiaryParts(meals=[Meal("9.30")])}, "INVALID_TIME"),
        ({"parts": DiaryParts(sleeps=[Sleep("25:00", "26:00")])}, "INVALID_TIME"),
        ({"parts": DiaryParts(sleeps=[Sleep("13:00", "12:00")])}, "SLEEP_ENDS_BEFORE_START"),
        ({"parts": DiaryParts(nappies=[Nappy("10:00", "blue")])}, "INVALID_NAPPY_KIND"),
        ({"parts": DiaryParts(activities=["a"] * 31)}, "TOO_MANY_PARTS"),
        ({"day": TODAY + timedelta(days=1)}, "DATE_IN_FUTURE"),
        ({"day": TODAY - timedelta(days=8)}, "DATE_TOO_FAR_BACK"),
        ({"media_ids": list(range(1, 22))}, "TOO_MANY_MEDIA"),
        ({"media_ids": [999_999]}, "MEDIA_NOT_FOUND"),
    ],
)
async def test_bad_input_is_refused_with_a_code(t, kwargs, code):
    assert await refusal_of(write(t.staff, t.child, **kwargs)) == code
    assert await DiaryEntry.all().count() == 0


async def test_media_must_be_the_writers_own_and_ready(t):
    unfinished = await media_of(t.staff, MediaStatus.PENDING)
    someone_elses = await media_of(t.other_parent)
    assert await refusal_of(write(t.staff, t.child, media_ids=[unfinished.id])) == (
        "MEDIA_NOT_READY"
    )
    assert await refusal_of(write(t.parent, t.child, media_ids=[someone_elses.id])) == (
        "MEDIA_NOT_FOUND"
    )


async def test_parts_only_or_media_only_is_an_entry(t):
    photo = await media_of(t.parent)
    await write(t.staff, t.child, text="", parts=DiaryParts(mood="moe"))
    await write(t.parent, t.child, text="", media_ids=[photo.id])
    assert await DiaryEntry.all().count() == 2


async def test_not_before_the_childs_placement(t):
    # given a baby placed in Boompjes since yesterday
    baby = await factories.child(
        t.org, guardians=[t.parent], grp=t.babies, start=TODAY - timedelta(days=1)
    )
    day = TODAY - timedelta(days=2)
    assert await refusal_of(write(t.staff, baby, day=day)) == "DATE_BEFORE_PLACEMENT"


async def test_authors_edit_their_own_entry_on_the_same_day(t):
    # given
    entry = await write(t.staff, t.child, text="Eerst")
    publisher = Recorder()
    # when
    changed = await diary.update_entry(
        principal_of(t.staff),
        entry_id=entry.id,
        text="Daarna",
        parts=DiaryParts(mood="blij"),
        media_ids=None,
        publisher=publisher,
    )
    # then
    assert (changed.text, changed.details) == ("Daarna", {"mood": "blij"})
    event = await Event.get(type="diary_entry.updated")
    assert [e.id for e in publisher.events] == [event.id]


async def test_nobody_else_edits_or_deletes_an_entry(t):
    staff_entry = await write(t.staff, t.child)
    parent_entry = await write(t.parent, t.child)
    cases = [(t.parent, staff_entry), (t.staff, parent_entry)]
    for user, entry in cases:
        update = diary.update_entry(
            principal_of(user),
            entry_id=entry.id,
            text="Anders",
            parts=None,
            media_ids=None,
            publisher=Recorder(),
        )
        assert await refusal_of(update) == "NOT_YOUR_DIARY_ENTRY"
        delete = diary.delete_entry(principal_of(user), entry_id=entry.id, publisher=Recorder())
        assert await refusal_of(delete) == "NOT_YOUR_DIARY_ENTRY"
    # a parent of another child does not even see them
    with pytest.raises(AccessDenied):
        await diary.delete_entry(
            principal_of(t.other_parent), entry_id=staff_entry.id, publisher=Recorder()
        )


async def test_an_edit_after_the_day_is_refused(t):
    # given an entry written late in the evening
    set_now(at(TODAY, 23, 50))
    entry = await write(t.parent, t.child)
    # when the day has passed (in Amsterdam, though it is still the same day in UTC)
    set_now(at(TODAY + timedelta(days=1), 0, 10))
    update = diary.update_entry(
        principal_of(t.parent),
        entry_id=entry.id,
        text="Te laat",
        parts=None,
        media_ids=None,
        publisher=Recorder(),
    )
    delete = diary.delete_entry(principal_of(t.parent), entry_id=entry.id, publisher=Recorder())
    # then
    assert await refusal_of(update) == "DIARY_EDIT_WINDOW_CLOSED"
    assert await refusal_of(delete) == "DIARY_EDIT_WINDOW_CLOSED"
    assert (await DiaryEntry.get(id=entry.id)).text == "Fijne dag"


async def test_delete_removes_the_entry_its_card_and_media_links_with_an_event(t):
    photo = await media_of(t.parent)
    entry = await write(t.parent, t.child, media_ids=[photo.id])
    publisher = Recorder()
    await diary.delete_entry(principal_of(t.parent), entry_id=entry.id, publisher=publisher)
    assert not await DiaryEntry.exists(id=entry.id)
    assert not await TimelineItem.exists(diary_entry_id=entry.id)
    assert not await DiaryMedia.exists(entry_id=entry.id)
    assert await TimelineItemChild.all().count() == 0
    event = await Event.get(type="diary_entry.deleted")
    assert event.payload["diary_entry_id"] == entry.id
    assert [e.id for e in publisher.events] == [event.id]


async def test_diary_pages_newest_day_first_a_days_entries_together(t):
    # given entries on three days, written in a mixed order
    written = {}
    for label, days_back in [("a", 2), ("b", 0), ("c", 2), ("d", 1), ("e", 0)]:
        entry = await write(t.staff, t.child, day=TODAY - timedelta(days=days_back), text=label)
        written[entry.id] = label
    await write(t.staff, t.other_child)
    # when read in pages of two
    first = (await diary_pages([t.child.id], 2))[t.child.id]
    second = (await diary_pages([t.child.id], 2, first.spots[-1]))[t.child.id]
    third = (await diary_pages([t.child.id], 2, second.spots[-1]))[t.child.id]
    # then newest day first, within a day the last written first
    order = [written[s.entry_id] for s in first.spots + second.spots + third.spots]
    assert order == ["e", "b", "d", "c", "a"]
    assert (first.has_next, second.has_next, third.has_next) == (True, True, False)
