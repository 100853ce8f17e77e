"""The outbox events of diary entries, for the diary's write path and `diaryEntryAdded`.

Record one inside the transaction that writes the entry (last), publish it after commit:

    async with in_transaction() as conn:
        entry = await DiaryEntry.create(..., using_db=conn)
        event = await record(diary_entry_event(entry), conn)
    await publisher.publish(event)
"""

from __future__ import annotations

from models import DiaryEntry
from services.events import DomainEvent

DIARY_ENTRY_ADDED = "diary_entry.added"
DIARY_ENTRY_UPDATED = "diary_entry.updated"
DIARY_EVENT_TYPES = frozenset({DIARY_ENTRY_ADDED, DIARY_ENTRY_UPDATED})


def diary_entry_event(entry: DiaryEntry, *, updated: bool = False) -> DomainEvent:
    """On the child's topic, also for the group's (staff listening to their groups)."""
    child_id, group_id = entry.child_id, entry.group_id  # type: ignore[attr-defined]
    return DomainEvent(
        type=DIARY_ENTRY_UPDATED if updated else DIARY_ENTRY_ADDED,
        topic=f"child:{child_id}",
        organisation_id=entry.organisation_id,  # type: ignore[attr-defined]
        payload={"diary_entry_id": entry.id, "child_id": child_id, "group_id": group_id},
        audience=(f"group:{group_id}",),
    )
