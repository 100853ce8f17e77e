"""Who may receive a message live (services.message_audience): always the same answer as
`conversations.visible_message` gives each principal, in every situation it knows about."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models import Guardianship, Organisation, Placement, Role, StaffAssignment, User
from services import clock, conversations, messaging
from services.events import NullPublisher
from services.message_audience import (
    KeptReaders,
    NotLoaded,
    message_audience,
    message_audiences,
)
from services.principal import Principal
from tests import factories
from tests.sql_counter import count_sql

NULL = NullPublisher()


def principal_of(user: User) -> Principal:
    return Principal(
        user_id=user.id, organisation_id=user.organisation_id, role=user.role, session_id=0
    )


async def messages_of(t) -> list[int]:
    """A message in a conversation of every child with their own group."""
    ids = []
    for child in (t.child, t.sibling, t.other_child, t.bso_child):
        guardian = (
            await Guardianship.filter(child_id=child.id).first().values_list("user_id", flat=True)
        )
        user = await User.get(id=guardian)
        message = await messaging.start_conversation(
            principal_of(user), child_id=child.id, body="Hallo", publisher=NULL
        )
        ids.append(message.id)
    return ids


async def assert_same_answers(t, message_ids: list[int]) -> int:
    """For every message and every user of the organisation: audience == visible_message.
    Returns how many (message, user) pairs may read."""
    users = await User.filter(organisation_id=t.org.id)
    allowed = 0
    for message_id in message_ids:
        audience = await message_audience(t.org.id, message_id)
        assert audience is not None
        for user in users:
            principal = principal_of(user)
            expected = await conversations.visible_message(principal, message_id) is not None
            assert audience.allows(principal) == expected, (user.email, user.role, message_id)
            allowed += expected
    return allowed


async def test_guardians_and_staff_of_the_group_may_read_nobody_else(db):
    # given a tenant with a conversation about every child
    t = await factories.tenant()
    ids = await messages_of(t)
    # then the audience agrees with visible_message for everyone (and some may read)
    assert await assert_same_answers(t, ids) > 0
    audience = await message_audience(t.org.id, ids[0])
    assert audience.parent_ids == {t.parent.id}
    assert audience.staff_ids == {t.staff.id}
    assert not audience.allows(principal_of(t.planner))


async def test_leavers_joiners_and_ended_care_change_the_audience_at_once(db):
    # given a tenant with conversations, and some changes since they started
    t = await factories.tenant()
    ids = await messages_of(t)
    yesterday = clock.today() - timedelta(days=1)
    await StaffAssignment.filter(user_id=t.staff.id, group_id=t.babies.id).update(
        end_date=yesterday
    )
    await factories.assign(t.bso_staff, t.babies)
    future = await factories.user(t.org, Role.STAFF)
    await factories.assign(future, t.bso, start=clock.today() + timedelta(days=3))
    await Guardianship.filter(user_id=t.other_parent.id, child_id=t.other_child.id).delete()
    long_ago = clock.today() - timedelta(weeks=20)
    await Placement.filter(child_id=t.sibling.id).update(end_date=long_ago)
    # then the audience follows every change the way visible_message does
    await assert_same_answers(t, ids)
    sam = await message_audience(t.org.id, ids[0])
    assert t.staff.id not in sam.staff_ids and t.bso_staff.id in sam.staff_ids
    noor = await message_audience(t.org.id, ids[1])
    assert noor.parent_ids == frozenset()


async def test_a_message_of_another_organisation_is_not_found(db):
    # given two tenants
    t = await factories.tenant()
    other = await factories.tenant("zon")
    [message_id, *_] = await messages_of(t)
    # then the other organisation does not find it
    assert await message_audience(other.org.id, message_id) is None
    audience = await message_audience(t.org.id, message_id)
    assert not audience.allows(principal_of(other.parent))


def readers_of(found) -> dict[int, tuple[frozenset[int], frozenset[int]]]:
    return {i: (a.parent_ids, a.staff_ids) for i, a in found.items()}


async def test_kept_readers_are_reused_while_nothing_that_decides_them_changed(db):
    # given readers kept from a first read
    t = await factories.tenant()
    ids = await messages_of(t)
    kept = KeptReaders()
    first = await message_audiences(t.org.id, ids, kept)
    assert kept.found == len(ids)
    # when the same and newer messages are read again, after writes that change no reader
    await Organisation.filter(id=t.org.id).update(name="Anders")
    again = await message_audiences(t.org.id, [*ids, *await messages_of(t)], kept)
    # then no conversation's readers were found again, and they are the same
    assert kept.found == len(ids) * 2  # (only the new conversations')
    assert readers_of(again)[ids[0]] == readers_of(first)[ids[0]]


async def test_kept_readers_follow_every_change_at_once(db):
    # given readers kept from a first read
    t = await factories.tenant()
    ids = await messages_of(t)
    kept = KeptReaders()
    await message_audiences(t.org.id, ids, kept)
    yesterday = clock.today() - timedelta(days=1)
    future = await factories.user(t.org, Role.STAFF)
    changes = [
        lambda: StaffAssignment.filter(user_id=t.staff.id, group_id=t.babies.id).update(
            end_date=yesterday
        ),
        lambda: factories.assign(t.bso_staff, t.babies),
        lambda: factories.assign(future, t.bso, start=clock.today() + timedelta(days=3)),
        lambda: Guardianship.filter(user_id=t.other_parent.id, child_id=t.other_child.id).delete(),
        lambda: Placement.filter(child_id=t.sibling.id).update(
            end_date=clock.today() - timedelta(weeks=20)
        ),
        lambda: Organisation.filter(id=t.org.id).update(access_window_weeks=30),
    ]
    for change in changes:
        found = kept.found
        # when something that decides readers changes
        await change()
        # then the kept path finds them again, as a fresh read and visible_message do
        with_kept = await message_audiences(t.org.id, ids, kept)
        assert kept.found == found + len(ids)
        assert readers_of(with_kept) == readers_of(await message_audiences(t.org.id, ids))
    await assert_same_answers(t, ids)


async def test_kept_readers_are_found_again_on_a_new_day(db):
    # given readers kept today, and a staff member whose assignment ends today
    t = await factories.tenant()
    ids = await messages_of(t)
    await StaffAssignment.filter(user_id=t.staff.id, group_id=t.babies.id).update(
        end_date=clock.today()
    )
    kept = KeptReaders()
    today = await message_audiences(t.org.id, ids, kept)
    assert t.staff.id in today[ids[0]].staff_ids
    # when the day after comes
    tomorrow = clock.now() + timedelta(days=1)
    clock.set_clock(lambda: tomorrow)
    try:
        later = await message_audiences(t.org.id, ids, kept)
    finally:
        clock.set_clock(None)
    # then the readers were found again: the staff member no longer reads
    assert kept.found == len(ids) * 2
    assert t.staff.id not in later[ids[0]].staff_ids


async def test_kept_readers_looked_up_by_the_callers_conversations_only(db):
    # given readers kept from a first read
    t = await factories.tenant()
    ids = await messages_of(t)
    kept = KeptReaders()
    first = await message_audiences(t.org.id, ids, kept)
    conversations = [a.conversation_id for a in first.values()]
    # when the caller names the messages' conversations, they are reused
    await message_audiences(t.org.id, ids, kept, conversations)
    assert kept.found == len(ids)
    # when it names others, the messages' readers are found afresh, and are the same
    again = await message_audiences(t.org.id, ids, kept, [c + 1000 for c in conversations])
    assert kept.found == len(ids) * 2
    assert readers_of(again) == readers_of(first)


async def test_what_a_loading_batch_knows_is_its_own_copy(db):
    # given readers kept, and a batch that took what is known before its statement
    t = await factories.tenant()
    ids = await messages_of(t)
    kept = KeptReaders()
    first = await message_audiences(t.org.id, ids, kept)
    known = kept.known()
    # when another batch loads meanwhile, after a change: what is kept is replaced
    await Guardianship.filter(user_id=t.other_parent.id, child_id=t.other_child.id).delete()
    await message_audiences(t.org.id, ids[:1], kept)
    assert len(kept.known()) == 1
    # then the first batch still has every reader it took, as found then
    assert {c: r.parent_ids for c, r in known.items()} == {
        a.conversation_id: a.parent_ids for a in first.values()
    }


async def test_readers_kept_for_one_organisation_never_answer_for_another(db):
    # given readers kept from one organisation's messages
    t = await factories.tenant()
    other = await factories.tenant("zon")
    ids = await messages_of(t)
    kept = KeptReaders()
    first = await message_audiences(t.org.id, ids, kept)
    # when the same kept readers are asked for those messages as another organisation
    asked = await message_audiences(
        other.org.id, ids, kept, [a.conversation_id for a in first.values()]
    )
    # then nothing is found, and the other organisation's own messages get their own readers
    assert asked == {}
    theirs = await messages_of(other)
    found = await message_audiences(other.org.id, theirs, kept)
    assert readers_of(found) == readers_of(await message_audiences(other.org.id, theirs))
    assert not found[theirs[0]].allows(principal_of(t.parent))


async def test_a_caller_that_shows_no_author_or_attachment_does_not_have_them_read(db):
    # given messages in several conversations
    t = await factories.tenant()
    ids = await messages_of(t)
    full = await message_audiences(t.org.id, ids)
    # when they are read without authors and attachments
    with count_sql() as log:
        lean = await message_audiences(t.org.id, ids, authors=False, attachments=False)
    # then the statement reads neither table, and everything else is the same
    (statement,) = log.statements
    assert "app_user" not in statement.split(" AS conversations")[1]
    assert "message_attachment" not in statement
    assert readers_of(lean) == readers_of(full)
    audience = lean[ids[0]]
    assert (audience.message_id, audience.body, audience.sent_at) == (
        full[ids[0]].message_id,
        full[ids[0]].body,
        full[ids[0]].sent_at,
    )
    assert audience.conversation.id == full[ids[0]].conversation.id
    # and asking for what was not read is an error, not a message without an author
    with pytest.raises(NotLoaded):
        _ = audience.author
    with pytest.raises(NotLoaded):
        _ = audience.attachments
    assert full[ids[0]].author is not None
    assert full[ids[0]].attachments == []
