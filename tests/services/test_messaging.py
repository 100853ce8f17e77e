"""Starting conversations and sending messages (services.messaging): rules, refusals, and the
message committed together with its outbox event."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models import (
    Conversation,
    Event,
    EventAudience,
    MediaFile,
    MediaKind,
    MediaStatus,
    Message,
    MessageAttachment,
    Placement,
)
from services import clock, messaging
from services.errors import AccessDenied, RefusedError
from services.events import StoredEvent
from services.principal import Principal
from tests import factories


class Recorder:
    """A Publisher that remembers what it was asked to publish."""

    def __init__(self) -> None:
        self.events: list[StoredEvent] = []

    async def publish(self, event: StoredEvent) -> None:
        self.events.append(event)


def principal_of(user) -> Principal:
    return Principal(
        user_id=user.id, organisation_id=user.organisation_id, role=user.role, session_id=0
    )


async def media_of(user, status: MediaStatus = MediaStatus.READY) -> MediaFile:
    n = await MediaFile.all().count()
    return await MediaFile.create(
        organisation_id=user.organisation_id,
        uploaded_by_id=user.id,
        kind=MediaKind.PHOTO,
        status=status,
        content_type="image/jpeg",
        filename=f"foto{n}.jpg",
        size=10,
        storage_key=f"test/{user.id}/{n}.jpg",
    )


async def refusal_of(write) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(RefusedError) as refused:
        await write
    return refused.value.refusal.code


async def test_a_parent_starts_a_conversation_with_the_childs_group(db):
    # given
    t = await factories.tenant()
    publisher = Recorder()
    # when
    message = await messaging.start_conversation(
        principal_of(t.parent),
        child_id=t.child.id,
        body="  Sam heeft slecht geslapen.\r\n",
        subject="Nacht",
        publisher=publisher,
    )
    # then
    conversation = await Conversation.get(id=message.conversation.id)
    assert (conversation.child_id, conversation.group_id) == (t.child.id, t.babies.id)
    assert conversation.subject == "Nacht"
    assert message.body == "Sam heeft slecht geslapen."
    assert message.author_id == t.parent.id


async def test_the_message_and_its_event_are_committed_together_with_ids_only(db):
    # given
    t = await factories.tenant()
    publisher = Recorder()
    # when
    message = await messaging.start_conversation(
        principal_of(t.parent), child_id=t.child.id, body="Hallo", publisher=publisher
    )
    # then one event row, on the conversation topic, also for the child and the group
    [event] = await Event.all()
    conversation_id = message.conversation.id
    assert (event.type, event.topic) == ("message.added", f"conversation:{conversation_id}")
    assert event.payload == {
        "conversation_id": conversation_id,
        "message_id": message.id,
        "child_id": t.child.id,
        "group_id": t.babies.id,
    }
    audience = await EventAudience.filter(event_id=event.id).values_list("topic", flat=True)
    assert sorted(audience) == [f"child:{t.child.id}", f"group:{t.babies.id}"]
    # and it was handed to the publisher after commit
    assert [e.id for e in publisher.events] == [event.id]
    assert publisher.events[0].topics == (
        f"conversation:{conversation_id}",
        f"child:{t.child.id}",
        f"group:{t.babies.id}",
    )


async def test_staff_start_a_conversation_about_a_child_of_their_group(db):
    t = await factories.tenant()
    message = await messaging.start_conversation(
        principal_of(t.staff),
        child_id=t.other_child.id,
        body="Daan was vrolijk",
        publisher=Recorder(),
    )
    assert message.conversation.group_id == t.babies.id


async def test_staff_cannot_start_one_about_a_child_outside_their_groups(db):
    t = await factories.tenant()
    with pytest.raises(AccessDenied) as denied:
        await messaging.start_conversation(
            principal_of(t.staff), child_id=t.bso_child.id, body="?", publisher=Recorder()
        )
    assert denied.value.code == "NOT_FOUND"


async def test_planners_do_not_take_part_in_conversations(db):
    t = await factories.tenant()
    with pytest.raises(AccessDenied) as denied:
        await messaging.start_conversation(
            principal_of(t.planner), child_id=t.child.id, body="?", publisher=Recorder()
        )
    assert denied.value.code == "FORBIDDEN"


async def test_a_child_in_two_groups_needs_the_group_chosen(db):
    # given Sam is also placed in the BSO group
    t = await factories.tenant()
    await factories.placement(t.child, t.bso)
    parent = principal_of(t.parent)
    # when / then
    write = messaging.start_conversation(
        parent, child_id=t.child.id, body="?", publisher=Recorder()
    )
    assert await refusal_of(write) == "GROUP_REQUIRED"
    message = await messaging.start_conversation(
        parent, child_id=t.child.id, body="Voor de BSO", group_id=t.bso.id, publisher=Recorder()
    )
    assert message.conversation.group_id == t.bso.id


async def test_a_group_the_child_is_not_in_is_refused(db):
    t = await factories.tenant()
    write = messaging.start_conversation(
        principal_of(t.parent),
        child_id=t.child.id,
        body="?",
        group_id=t.bso.id,
        publisher=Recorder(),
    )
    assert await refusal_of(write) == "GROUP_NOT_AVAILABLE"


async def test_a_child_without_a_current_group_is_refused(db):
    # given Sam's placement ended last week (still visible to the parent: within the window)
    t = await factories.tenant()
    await Placement.filter(child_id=t.child.id).update(end_date=clock.today() - timedelta(days=7))
    # when / then
    write = messaging.start_conversation(
        principal_of(t.parent), child_id=t.child.id, body="?", publisher=Recorder()
    )
    assert await refusal_of(write) == "NO_CURRENT_GROUP"


async def test_a_child_whose_care_starts_later_can_already_be_asked_about(db):
    t = await factories.tenant()
    kid = await factories.child(
        t.org, guardians=[t.parent], grp=t.babies, start=clock.today() + timedelta(days=30)
    )
    message = await messaging.start_conversation(
        principal_of(t.parent), child_id=kid.id, body="Wanneer beginnen we?", publisher=Recorder()
    )
    assert message.conversation.group_id == t.babies.id


@pytest.mark.parametrize(
    ("body", "code"),
    [("", "EMPTY_MESSAGE"), (" \n\t ", "EMPTY_MESSAGE"), ("x" * 4001, "MESSAGE_TOO_LONG")],
)
async def test_empty_and_oversized_bodies_are_refused_and_nothing_is_written(db, body, code):
    t = await factories.tenant()
    write = messaging.start_conversation(
        principal_of(t.parent), child_id=t.child.id, body=body, publisher=Recorder()
    )
    assert await refusal_of(write) == code
    assert await Conversation.all().count() == 0
    assert await Event.all().count() == 0


async def test_a_body_of_exactly_the_maximum_length_is_fine(db):
    t = await factories.tenant()
    message = await messaging.start_conversation(
        principal_of(t.parent), child_id=t.child.id, body="x" * 4000, publisher=Recorder()
    )
    assert len(message.body) == 4000


async def test_control_characters_are_removed(db):
    t = await factories.tenant()
    message = await messaging.start_conversation(
        principal_of(t.parent), child_id=t.child.id, body="a\x00b\x07c\nd", publisher=Recorder()
    )
    assert message.body == "abc\nd"


async def test_a_reply_with_attachments(db):
    # given
    t = await factories.tenant()
    first = await messaging.start_conversation(
        principal_of(t.parent), child_id=t.child.id, body="Vraag", publisher=Recorder()
    )
    photos = [await media_of(t.staff), await media_of(t.staff)]
    # when
    reply = await messaging.send_message(
        principal_of(t.staff),
        conversation_id=first.conversation.id,
        body="Kijk!",
        attachment_ids=[photos[1].id, photos[0].id],
        publisher=Recorder(),
    )
    # then
    attached = await MessageAttachment.filter(message_id=reply.id).order_by("id")
    assert [a.media_id for a in attached] == [photos[1].id, photos[0].id]


@pytest.mark.parametrize(
    ("whose", "status", "code"),
    [
        ("staff", MediaStatus.PENDING, "MEDIA_NOT_READY"),
        ("parent", MediaStatus.READY, "MEDIA_NOT_FOUND"),
    ],
)
async def test_attachments_must_be_ready_and_your_own(db, whose, status, code):
    # given a conversation, and a file not ready or of someone else
    t = await factories.tenant()
    first = await messaging.start_conversation(
        principal_of(t.parent), child_id=t.child.id, body="Vraag", publisher=Recorder()
    )
    photo = await media_of(t.staff if whose == "staff" else t.parent, status)
    # when
    write = messaging.send_message(
        principal_of(t.staff),
        conversation_id=first.conversation.id,
        body="Kijk!",
        attachment_ids=[photo.id],
        publisher=Recorder(),
    )
    # then refused, and no message nor event was written
    assert await refusal_of(write) == code
    assert await Message.all().count() == 1
    assert await Event.all().count() == 1


async def test_at_most_ten_attachments(db):
    t = await factories.tenant()
    photos = [await media_of(t.parent) for _ in range(11)]
    write = messaging.start_conversation(
        principal_of(t.parent),
        child_id=t.child.id,
        body="Veel foto's",
        attachment_ids=[p.id for p in photos],
        publisher=Recorder(),
    )
    assert await refusal_of(write) == "TOO_MANY_ATTACHMENTS"


async def test_sending_in_a_conversation_of_someone_else_is_forbidden(db):
    t = await factories.tenant()
    theirs = await messaging.start_conversation(
        principal_of(t.other_parent), child_id=t.other_child.id, body="Hoi", publisher=Recorder()
    )
    with pytest.raises(AccessDenied) as denied:
        await messaging.send_message(
            principal_of(t.parent),
            conversation_id=theirs.conversation.id,
            body="Ik lees mee",
            publisher=Recorder(),
        )
    assert denied.value.code == "FORBIDDEN"


async def test_message_ids_and_event_ids_follow_the_same_order(db):
    # given a conversation
    t = await factories.tenant()
    first = await messaging.start_conversation(
        principal_of(t.parent), child_id=t.child.id, body="0", publisher=Recorder()
    )
    # when
    for n in range(1, 5):
        await messaging.send_message(
            principal_of(t.staff),
            conversation_id=first.conversation.id,
            body=str(n),
            publisher=Recorder(),
        )
    # then
    events = await Event.all().order_by("id")
    messages = await Message.all().order_by("id")
    assert [e.payload["message_id"] for e in events] == [m.id for m in messages]
    assert [m.body for m in messages] == ["0", "1", "2", "3", "4"]
