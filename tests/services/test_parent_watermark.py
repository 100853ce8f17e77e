"""The parent's event watermark (services.result_cache.parent_watermark, read by
services.request_auth): it moves with the events that can change what the parent's cached
home answer shows and stays put for other families' events. Real writes through the services
where the API has them; where it has none yet (placements, mentors, groups, locations, names)
the row is changed and its event recorded in one transaction, as such a write must."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tortoise.transactions import in_transaction

from models import Group, Location, Placement, User
from services import clock, diary, messaging, news, request_auth, timeline
from services.events import DomainEvent, NullPublisher, record
from tests import factories, publication_samples
from tests.diary_samples import media_of, principal_of


@pytest.fixture
async def t(db):  # type: ignore[no-untyped-def]
    return await factories.tenant()


async def watermark(user: User) -> int:
    signed_in = await request_auth.authenticate_request(await factories.token_for(user))
    assert signed_in is not None
    return signed_in.event_watermark


async def changed(topic: str, organisation_id: int, write) -> None:  # type: ignore[no-untyped-def]
    """A write without an API yet, with the event it must record (last, same transaction)."""
    async with in_transaction() as conn:
        await write(conn)
        await record(DomainEvent("test.changed", topic, organisation_id, {}), conn)


async def photo_post(staff: User, child_ids: list[int]) -> None:
    photo = await media_of(staff)
    await timeline.create_photo_post(
        principal_of(staff), child_ids=child_ids, caption="Buiten", media_ids=[photo.id]
    )


async def diary_entry(staff: User, child_id: int):  # type: ignore[no-untyped-def]
    return await diary.write_entry(
        principal_of(staff),
        child_id=child_id,
        day=None,
        text="Goed gegeten",
        parts=None,
        media_ids=[],
        publisher=NullPublisher(),
    )


async def test_other_families_events_leave_the_watermark_as_it_was(t):
    # given: the parent's child Sam and the other family's Daan are in the same group
    await photo_post(t.staff, [t.child.id])
    before = await watermark(t.parent)
    # when: staff write about Daan and Lotte, and the other parent messages the group
    await diary_entry(t.staff, t.other_child.id)
    await photo_post(t.staff, [t.other_child.id])
    await photo_post(t.bso_staff, [t.bso_child.id])
    await messaging.start_conversation(
        principal_of(t.other_parent),
        child_id=t.other_child.id,
        body="Hoi",
        publisher=NullPublisher(),
    )
    # then
    assert await watermark(t.parent) == before
    assert await watermark(t.other_parent) > before


async def test_events_on_the_parents_children_move_it(t):
    # given
    before = await watermark(t.parent)
    # when: a photo post about the sibling
    await photo_post(t.bso_staff, [t.sibling.id])
    # then
    after_post = await watermark(t.parent)
    assert after_post > before
    # when: a diary entry for Sam, then its deletion
    entry = await diary_entry(t.staff, t.child.id)
    after_entry = await watermark(t.parent)
    await diary.delete_entry(principal_of(t.staff), entry_id=entry.id, publisher=NullPublisher())
    # then
    assert before < after_post < after_entry < await watermark(t.parent)


async def test_a_group_post_about_the_parents_child_and_others_moves_it(t):
    # given
    before = await watermark(t.parent)
    # when
    await photo_post(t.staff, [t.other_child.id, t.child.id])
    # then
    assert await watermark(t.parent) > before


async def test_placement_mentor_group_and_location_changes_move_it(t):
    # given
    sam = await Placement.get(child_id=t.child.id)
    marks = [await watermark(t.parent)]

    # when: a placement's schedule, the mentor (on the child), the group and the location
    async def schedule(conn) -> None:  # type: ignore[no-untyped-def]
        await Placement.filter(id=sam.id).using_db(conn).update(schedule=[])

    async def mentor(conn) -> None:  # type: ignore[no-untyped-def]
        await Placement.filter(id=sam.id).using_db(conn).update(mentor_id=t.staff.id)

    async def rename(conn) -> None:  # type: ignore[no-untyped-def]
        await Group.filter(id=t.bso.id).using_db(conn).update(name="Klaver")

    async def phone(conn) -> None:  # type: ignore[no-untyped-def]
        await Location.filter(id=t.location.id).using_db(conn).update(phone="030-7654321")

    for topic, write in [
        (f"child:{t.child.id}", schedule),
        (f"child:{t.child.id}", mentor),
        (f"group:{t.bso.id}", rename),
        (f"location:{t.location.id}", phone),
    ]:
        await changed(topic, t.org.id, write)
        marks.append(await watermark(t.parent))
    # then
    assert marks == sorted(set(marks))


async def test_a_group_of_a_future_or_ended_placement_counts_too(t):
    # given: Sam also has a future placement in another group at another location
    elsewhere = await factories.location(t.org, "De Wei")
    later = await factories.group(t.org, elsewhere, "Later")
    await factories.placement(t.child, later, start=clock.today() + timedelta(days=60))
    for topic in (f"group:{later.id}", f"location:{elsewhere.id}"):
        before = await watermark(t.parent)
        # when
        await changed(topic, t.org.id, nothing)
        # then
        assert await watermark(t.parent) > before


async def nothing(conn) -> None:  # type: ignore[no-untyped-def]
    return None  # the row change does not matter here, only the topic of its event


async def test_the_organisation_and_the_parent_move_it_other_users_and_locations_do_not(t):
    # given
    elsewhere = await factories.location(t.org, "De Wei")
    planner = await publication_samples.principal_of(t.planner)
    before = await watermark(t.parent)
    # when: news for another location, something of the other parent's own
    await news.publish(planner, title="Wei", body="Nieuws", location_id=elsewhere.id)
    await changed(f"user:{t.other_parent.id}", t.org.id, nothing)
    # then
    assert await watermark(t.parent) == before
    # when: news for the whole organisation
    await news.publish(planner, title="Iedereen", body="Nieuws")
    # then
    after_news = await watermark(t.parent)
    assert after_news > before

    # when: the parent's own name (on their own topic)
    async def name(conn) -> None:  # type: ignore[no-untyped-def]
        await User.filter(id=t.parent.id).using_db(conn).update(first_name="Anne")

    await changed(f"user:{t.parent.id}", t.org.id, name)
    # then
    assert await watermark(t.parent) > after_news


async def test_staff_have_no_watermark(t):
    # given
    await photo_post(t.staff, [t.child.id])
    # then: their answers are never cached
    assert await watermark(t.staff) == 0
    assert await watermark(t.parent) > 0
