"""Helpers for the diary tests: a fixed clock, principals, a recording publisher, queries."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from models import MediaFile, MediaKind, MediaStatus
from services import clock
from services.errors import RefusedError
from services.events import StoredEvent
from services.principal import Principal

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
TODAY = date(2026, 5, 12)  # a Tuesday


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=AMSTERDAM)


def set_now(moment: datetime) -> None:
    clock.set_clock(lambda: moment)


class Recorder:
    """A Publisher that remembers what it was asked to publish."""

    def __init__(self) -> None:
        self.events: list[StoredEvent] = []

    async def publish(self, event: StoredEvent) -> None:
        self.events.append(event)


def principal_of(user) -> Principal:  # type: ignore[no-untyped-def]
    return Principal(
        user_id=user.id, organisation_id=user.organisation_id, role=user.role, session_id=0
    )


async def media_of(user, status: MediaStatus = MediaStatus.READY) -> MediaFile:  # type: ignore[no-untyped-def]
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


async def refusal_of(call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(RefusedError) as refused:
        await call
    return refused.value.refusal.code


ENTRY_FIELDS = """
  id date text posted_at: postedAt canEdit
  meals { time what amount } sleeps { start end } nappies { time kind } mood activities
  author { name role } group { name } child { firstName }
  media { kind url }
  askAQuestion { childId groupId mutation }
"""

WRITE = """
mutation($input: WriteDiaryEntryInput!) {
  writeDiaryEntry(input: $input) {
    __typename
    ... on DiaryEntryWritten { entry { ENTRY } }
    ... on Refused { code field messageNl messageEn }
  }
}""".replace("ENTRY", ENTRY_FIELDS)

UPDATE = """
mutation($input: UpdateDiaryEntryInput!) {
  updateDiaryEntry(input: $input) {
    __typename
    ... on DiaryEntryWritten { entry { ENTRY } }
    ... on Refused { code field }
  }
}""".replace("ENTRY", ENTRY_FIELDS)

DELETE = """
mutation($id: ID!) {
  deleteDiaryEntry(id: $id) {
    __typename
    ... on DiaryEntryDeleted { deletedId }
    ... on Refused { code field }
  }
}"""
