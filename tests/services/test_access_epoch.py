"""The access epoch (models.AccessEpoch, migration 0005): database triggers move an
organisation's number with every write that can change who may read what, and with no other."""

from __future__ import annotations

from datetime import timedelta

from models import (
    AccessEpoch,
    Conversation,
    Guardianship,
    Organisation,
    Placement,
    Role,
    StaffAssignment,
)
from services import clock, messaging
from services.events import NullPublisher
from services.principal import Principal
from tests import factories


async def epoch_of(organisation_id: int) -> int | None:
    row = await AccessEpoch.get_or_none(organisation_id=organisation_id)
    return row.n if row is not None else None


async def test_every_write_that_can_change_readers_moves_the_epoch(db):
    # given a tenant (its guardianships, placements and assignments moved it already)
    t = await factories.tenant()
    yesterday = clock.today() - timedelta(days=1)
    changes = [
        lambda: StaffAssignment.filter(user_id=t.staff.id).update(end_date=yesterday),
        lambda: factories.assign(t.bso_staff, t.babies),
        lambda: StaffAssignment.filter(user_id=t.bso_staff.id).delete(),
        lambda: Guardianship.filter(user_id=t.other_parent.id, child_id=t.other_child.id).delete(),
        lambda: Guardianship.create(user_id=t.other_parent.id, child_id=t.other_child.id),
        lambda: Placement.filter(child_id=t.sibling.id).update(end_date=yesterday),
        lambda: Placement.filter(child_id=t.sibling.id).delete(),
        lambda: Organisation.filter(id=t.org.id).update(access_window_weeks=2),
        lambda: Organisation.filter(id=t.org.id).update(timezone="Europe/London"),
    ]
    for change in changes:
        before = await epoch_of(t.org.id)
        assert before is not None
        # when it is written
        await change()
        # then the organisation's number moved
        assert await epoch_of(t.org.id) != before


async def test_a_conversation_moved_to_another_group_moves_the_epoch_a_new_message_does_not(db):
    # given a conversation
    t = await factories.tenant()
    parent = Principal(
        user_id=t.parent.id, organisation_id=t.org.id, role=Role.PARENT, session_id=0
    )
    message = await messaging.start_conversation(
        parent, child_id=t.child.id, body="Hallo", publisher=NullPublisher()
    )
    before = await epoch_of(t.org.id)
    # when a message is added, and the organisation renamed
    await messaging.send_message(
        parent, conversation_id=message.conversation_id, body="Nog iets", publisher=NullPublisher()
    )
    await Organisation.filter(id=t.org.id).update(name="Anders")
    # then nothing moved
    assert await epoch_of(t.org.id) == before
    # when the conversation moves to another group
    await Conversation.filter(id=message.conversation_id).update(group_id=t.bso.id)
    # then it moved
    assert await epoch_of(t.org.id) != before


async def test_each_organisation_has_its_own_number(db):
    # given two tenants
    t = await factories.tenant()
    other = await factories.tenant("zon")
    before = await epoch_of(other.org.id)
    # when one of them changes a placement
    await Placement.filter(child_id=t.child.id).update(end_date=clock.today())
    # then the other's number stays
    assert await epoch_of(other.org.id) == before
