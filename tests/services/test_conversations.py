"""Who takes part in a conversation, lists, unread counts, read state (services.conversations)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models import Guardianship, MediaFile, MediaKind, MediaStatus, Placement, Role, StaffAssignment
from services import clock, conversations, media_access, messaging
from services.errors import AccessDenied
from services.events import NullPublisher
from services.principal import Principal
from tests import factories

NULL = NullPublisher()


def principal_of(user) -> Principal:
    return Principal(
        user_id=user.id, organisation_id=user.organisation_id, role=user.role, session_id=0
    )


async def conversation_about(t, body: str = "Hallo"):
    message = await messaging.start_conversation(
        principal_of(t.parent), child_id=t.child.id, body=body, publisher=NULL
    )
    return message.conversation


async def ids_of(user) -> list[int]:
    rows, _ = await conversations.conversations_page(principal_of(user), 100)
    return [c.id for c in rows]


async def test_the_guardians_and_the_current_staff_of_the_group_take_part(db):
    # given
    t = await factories.tenant()
    conversation = await conversation_about(t)
    co_parent = await factories.user(t.org, Role.PARENT)
    await Guardianship.create(child=t.child, user=co_parent)
    # when / then
    assert await ids_of(t.parent) == [conversation.id]
    assert await ids_of(co_parent) == [conversation.id]
    assert await ids_of(t.staff) == [conversation.id]
    for outsider in (t.other_parent, t.bso_staff, t.planner):
        assert await ids_of(outsider) == []
    participants = await conversations.participant_ids([conversation])
    assert participants[conversation.id] == {t.parent.id, co_parent.id, t.staff.id}


async def test_staff_who_join_the_group_later_see_the_whole_history(db):
    # given a conversation with two messages, and a newcomer starting today
    t = await factories.tenant()
    conversation = await conversation_about(t, "eerste")
    await messaging.send_message(
        principal_of(t.staff), conversation_id=conversation.id, body="tweede", publisher=NULL
    )
    newcomer = await factories.user(t.org, Role.STAFF)
    await factories.assign(newcomer, t.babies, start=clock.today())
    # when
    page, _ = await conversations.messages_page(conversation.id, 10)
    # then
    assert await ids_of(newcomer) == [conversation.id]
    assert [m.body for m in page] == ["tweede", "eerste"]


async def test_staff_who_left_the_group_no_longer_see_its_conversations(db):
    # given
    t = await factories.tenant()
    conversation = await conversation_about(t)
    # when their assignment ended yesterday
    await StaffAssignment.filter(user_id=t.staff.id).update(
        end_date=clock.today() - timedelta(days=1)
    )
    # then
    assert await ids_of(t.staff) == []
    with pytest.raises(AccessDenied) as denied:
        await conversations.visible_conversation(principal_of(t.staff), conversation.id)
    assert denied.value.code == "FORBIDDEN"


async def test_a_parent_loses_the_conversation_when_the_access_window_closes(db):
    # given a conversation, then the child's care ended nine weeks ago
    t = await factories.tenant()
    conversation = await conversation_about(t)
    await Placement.filter(child_id=t.child.id).update(end_date=clock.today() - timedelta(weeks=9))
    # when / then
    assert await ids_of(t.parent) == []
    assert await conversations.visible_message(principal_of(t.parent), 1) is None
    assert conversation.id not in await ids_of(t.staff)


async def test_another_organisation_gets_not_found(db):
    t = await factories.tenant()
    other = await factories.tenant("zon")
    conversation = await conversation_about(t)
    with pytest.raises(AccessDenied) as denied:
        await conversations.visible_conversation(principal_of(other.parent), conversation.id)
    assert denied.value.code == "NOT_FOUND"


async def test_the_list_is_ordered_by_latest_activity_and_pages_by_keyset(db):
    # given three conversations; the first one gets a reply last
    t = await factories.tenant()
    parent = principal_of(t.parent)
    start = clock.now()
    now = [start]
    clock.set_clock(lambda: now[0])

    async def at(minute: int, write):  # type: ignore[no-untyped-def]
        now[0] = start + timedelta(minutes=minute)
        return await write

    sam = await at(
        1, messaging.start_conversation(parent, child_id=t.child.id, body="a", publisher=NULL)
    )
    noor = await at(
        2, messaging.start_conversation(parent, child_id=t.sibling.id, body="b", publisher=NULL)
    )
    again = await at(
        3, messaging.start_conversation(parent, child_id=t.child.id, body="c", publisher=NULL)
    )
    reply = messaging.send_message(
        principal_of(t.staff), conversation_id=sam.conversation.id, body="d", publisher=NULL
    )
    await at(4, reply)
    # when
    first, has_next = await conversations.conversations_page(parent, 2)
    last = first[-1]
    rest, more = await conversations.conversations_page(
        parent, 2, conversations.Position(last.last_message_at, last.id)
    )
    # then
    expected = [sam.conversation.id, again.conversation.id, noor.conversation.id]
    assert [c.id for c in first + rest] == expected
    assert (has_next, more) == (True, False)


async def test_unread_counts_follow_the_read_marker_and_skip_own_messages(db):
    # given a parent's conversation where staff wrote three replies
    t = await factories.tenant()
    conversation = await conversation_about(t, "vraag")
    staff = principal_of(t.staff)
    replies = [
        await messaging.send_message(
            staff, conversation_id=conversation.id, body=str(n), publisher=NULL
        )
        for n in range(3)
    ]
    # when / then
    assert await conversations.unread_counts(t.parent.id, [conversation.id]) == {conversation.id: 3}
    assert await conversations.unread_counts(t.staff.id, [conversation.id]) == {conversation.id: 0}
    await messaging.advance_read(conversation.id, t.parent.id, replies[0].id)
    assert await conversations.unread_counts(t.parent.id, [conversation.id]) == {conversation.id: 2}
    await messaging.mark_read(principal_of(t.parent), conversation.id)
    assert await conversations.unread_counts(t.parent.id, [conversation.id]) == {conversation.id: 0}


async def test_a_read_marker_never_moves_back(db):
    t = await factories.tenant()
    conversation = await conversation_about(t)
    await messaging.advance_read(conversation.id, t.staff.id, 10)
    await messaging.advance_read(conversation.id, t.staff.id, 4)
    assert await conversations.read_markers(t.staff.id, [conversation.id]) == {conversation.id: 10}


async def test_the_last_message_of_each_conversation(db):
    t = await factories.tenant()
    first = await conversation_about(t, "een")
    second = await conversation_about(t, "twee")
    await messaging.send_message(
        principal_of(t.staff), conversation_id=first.id, body="drie", publisher=NULL
    )
    found = await conversations.last_messages([first.id, second.id])
    assert {c: m.body for c, m in found.items()} == {first.id: "drie", second.id: "twee"}


async def test_attachments_are_readable_by_the_participants_only(db):
    # given a staff reply with a photo
    t = await factories.tenant()
    conversation = await conversation_about(t)
    photo = await MediaFile.create(
        organisation=t.org,
        uploaded_by_id=t.staff.id,
        kind=MediaKind.PHOTO,
        status=MediaStatus.READY,
        content_type="image/jpeg",
        filename="knutsel.jpg",
        size=10,
        storage_key="test/knutsel.jpg",
    )
    await messaging.send_message(
        principal_of(t.staff),
        conversation_id=conversation.id,
        body="Kijk",
        attachment_ids=[photo.id],
        publisher=NULL,
    )
    # when / then
    assert await media_access.may_read(principal_of(t.parent), photo) is True
    assert await media_access.may_read(principal_of(t.other_parent), photo) is False
    assert await media_access.may_read(principal_of(t.bso_staff), photo) is False
