"""The structured parts of a diary entry as typed GraphQL objects and inputs.

Times are local "HH:MM" of the entry's date (see `services.diary_parts`)."""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry

from services.diary_parts import DiaryParts, Meal, Nappy, Sleep


@strawberry.enum(description="What was in the nappy.")
class NappyKind(Enum):
    WET = "wet"
    DIRTY = "dirty"
    DRY = "dry"


@strawberry.type(description="A meal or a bottle: when, what and how much.")
class DiaryMeal:
    time: str = strawberry.field(description="Local time, HH:MM.")
    what: str = strawberry.field(description='E.g. "fruithapje", or "fles" for a bottle.')
    amount: str = strawberry.field(description='E.g. "150 ml", "alles op".')


@strawberry.type(description="A sleep, from start to end (end empty: still asleep).")
class DiarySleep:
    start: str
    end: str | None


@strawberry.type
class DiaryNappy:
    time: str
    kind: NappyKind


@strawberry.type(
    description="Questions about an entry are not replies on it (the diary is not a chat): "
    "pass these to `startConversation(input: {childId, groupId, body})`."
)
class ConversationHint:
    child_id: strawberry.ID
    group_id: strawberry.ID
    mutation: str = "startConversation"


def _kind(value: Any) -> NappyKind:
    try:
        return NappyKind(str(value))
    except ValueError:
        return NappyKind.WET


def meals_of(details: dict) -> list[DiaryMeal]:
    return [
        DiaryMeal(
            time=str(m.get("time", "")),
            what=str(m.get("what", "")),
            amount=str(m.get("amount", "")),
        )
        for m in details.get("meals") or []
        if isinstance(m, dict)
    ]


def sleeps_of(details: dict) -> list[DiarySleep]:
    return [
        DiarySleep(start=str(s.get("start", "")), end=s.get("end") or None)
        for s in details.get("sleeps") or []
        if isinstance(s, dict)
    ]


def nappies_of(details: dict) -> list[DiaryNappy]:
    return [
        DiaryNappy(time=str(n.get("time", "")), kind=_kind(n.get("kind")))
        for n in details.get("nappies") or []
        if isinstance(n, dict)
    ]


@strawberry.input
class DiaryMealInput:
    time: str = strawberry.field(description="HH:MM")
    what: str = ""
    amount: str = ""


@strawberry.input
class DiarySleepInput:
    start: str = strawberry.field(description="HH:MM")
    end: str | None = strawberry.field(default=None, description="HH:MM, after start")


@strawberry.input
class DiaryNappyInput:
    time: str = strawberry.field(description="HH:MM")
    kind: NappyKind = NappyKind.WET


@strawberry.input(description="All optional; only the parts given are stored.")
class DiaryPartsInput:
    meals: list[DiaryMealInput] | None = None
    sleeps: list[DiarySleepInput] | None = None
    nappies: list[DiaryNappyInput] | None = None
    mood: str | None = None
    activities: list[str] | None = None

    def to_parts(self) -> DiaryParts:
        return DiaryParts(
            meals=[Meal(m.time, m.what, m.amount) for m in self.meals or []],
            sleeps=[Sleep(s.start, s.end) for s in self.sleeps or []],
            nappies=[Nappy(n.time, n.kind.value) for n in self.nappies or []],
            mood=self.mood,
            activities=list(self.activities or []),
        )
