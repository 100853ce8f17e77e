"""Who may receive a message right now, computed once per message instead of once per reader.

Live delivery hands one message to many connections. Asking `conversations.scope_for` for
every reader costs several queries each; here the participants of the message's
conversation are derived once, from the same rules (`services.access`,
`services.conversations`), and each reader is then a set lookup:

- parents: the child's guardians, while the child is visible to parents (a placement in the
  access window, or no placement at all yet);
- staff: those working in the conversation's group today who also see the child (a placement
  in the window, starting within eight weeks, in a group they work in today where the
  organisation is).

`tests/services/test_message_audience.py` checks it against `visible_message` for every kind
of principal, so the two never drift apart.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from tortoise.expressions import Q

from models import Guardianship, MediaFile, Message, Organisation, Placement, StaffAssignment
from services import clock, conversations
from services.principal import Principal


@dataclass(frozen=True, slots=True)
class MessageAudience:
    """A message with what its readers need, and who may read it (as of when it was made)."""

    message: Message
    attachments: list[MediaFile]
    parent_ids: frozenset[int]
    staff_ids: frozenset[int]

    def allows(self, principal: Principal) -> bool:
        conversation = self.message.conversation
        if principal.organisation_id != conversation.organisation_id:  # type: ignore[attr-defined]
            return False
        if principal.is_parent:
            return principal.user_id in self.parent_ids
        if principal.is_staff:
            return principal.user_id in self.staff_ids
        return False


def _in_window(placement: Placement, cutoff: date) -> bool:
    return placement.end_date is None or placement.end_date >= cutoff


def _works_on(assignment: StaffAssignment, day: date) -> bool:
    return assignment.start_date <= day and (
        assignment.end_date is None or assignment.end_date >= day
    )


def _staff(
    assignments: Sequence[StaffAssignment], group_id: int, child_groups: set[int], today: date
) -> frozenset[int]:
    """Staff in the conversation's group today (UTC day, like `access.staff_group_ids`)
    who also work today (the organisation's day) in a group where the child is placed."""
    utc_today = clock.today()
    in_group = {
        a.user_id  # type: ignore[attr-defined]
        for a in assignments
        if a.group_id == group_id and _works_on(a, utc_today)  # type: ignore[attr-defined]
    }
    see_child = {
        a.user_id  # type: ignore[attr-defined]
        for a in assignments
        if a.group_id in child_groups and _works_on(a, today)  # type: ignore[attr-defined]
    }
    return frozenset(in_group & see_child)


async def message_audience(organisation_id: int, message_id: int) -> MessageAudience | None:
    """The message (with its conversation and author) and its current readers; None when it
    does not exist in the organisation."""
    return (await message_audiences(organisation_id, [message_id])).get(message_id)


async def message_audiences(
    organisation_id: int, message_ids: Sequence[int]
) -> dict[int, MessageAudience]:
    """`message_audience` for many messages at once (six queries however many there are, in
    two waits);
    messages not in the organisation are left out."""
    # Two waits in a row: the messages (with the organisation), then the rest side by side.
    messages, organisation = await asyncio.gather(
        Message.filter(
            id__in=sorted(set(message_ids)), conversation__organisation_id=organisation_id
        ).select_related("conversation", "author"),
        Organisation.get(id=organisation_id),
    )
    if not messages:
        return {}
    child_ids = sorted({m.conversation.child_id for m in messages})  # type: ignore[attr-defined]
    group_ids = sorted({m.conversation.group_id for m in messages})  # type: ignore[attr-defined]
    today = clock.today(organisation.timezone)
    cutoff = today - timedelta(weeks=organisation.access_window_weeks)
    horizon = today + timedelta(weeks=8)
    placement_rows, guardian_rows, assignments, files = await asyncio.gather(
        Placement.filter(child_id__in=child_ids),
        Guardianship.filter(
            child_id__in=child_ids, child__organisation_id=organisation_id
        ).values_list("child_id", "user_id"),
        # Staff of the conversations' groups, and of every group where the children are
        # placed (whether they work there today is sorted out below).
        StaffAssignment.filter(
            Q(group_id__in=group_ids) | Q(group__placements__child_id__in=child_ids),
            group__organisation_id=organisation_id,
        ).distinct(),
        conversations.attachments([m.id for m in messages]),
    )
    placements: dict[int, list[Placement]] = {c: [] for c in child_ids}
    for placement in placement_rows:
        placements[placement.child_id].append(placement)  # type: ignore[attr-defined]
    guardians: dict[int, set[int]] = {c: set() for c in child_ids}
    for child_id, user_id in guardian_rows:
        guardians[child_id].add(user_id)
    groups_of_child = {
        c: {
            p.group_id  # type: ignore[attr-defined]
            for p in found
            if _in_window(p, cutoff) and p.start_date <= horizon
        }
        for c, found in placements.items()
    }
    found: dict[int, MessageAudience] = {}
    for message in messages:
        conversation = message.conversation
        child_id = conversation.child_id  # type: ignore[attr-defined]
        own = placements[child_id]
        visible_to_parents = not own or any(_in_window(p, cutoff) for p in own)
        found[message.id] = MessageAudience(
            message,
            files[message.id],
            frozenset(guardians[child_id]) if visible_to_parents else frozenset(),
            _staff(
                assignments,
                conversation.group_id,  # type: ignore[attr-defined]
                groups_of_child[child_id],
                today,
            ),
        )
    return found
