"""The structured parts of a diary entry: validated and turned into the stored `details`.

Stored shape (also what the demo writes): {"meals": [{"time", "what", "amount"}],
"sleeps": [{"start", "end"}], "nappies": [{"time", "kind"}], "mood": str,
"activities": [str]}. A bottle is a meal whose `what` says so ("fles", "bottle").
Times are local wall-clock "HH:MM" of the entry's date; a sleep ends after it starts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from services.errors import Refusal, RefusedError

MAX_TEXT = 5000
MAX_PART_ITEMS = 30
MAX_SHORT = 200
NAPPY_KINDS = frozenset({"wet", "dirty", "dry"})
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True, slots=True)
class Meal:
    time: str
    what: str = ""
    amount: str = ""


@dataclass(frozen=True, slots=True)
class Sleep:
    start: str
    end: str | None = None  # still asleep when written


@dataclass(frozen=True, slots=True)
class Nappy:
    time: str
    kind: str = "wet"


@dataclass(frozen=True, slots=True)
class DiaryParts:
    """Everything optional; an empty DiaryParts means "text (and/or media) only"."""

    meals: list[Meal] = field(default_factory=list)
    sleeps: list[Sleep] = field(default_factory=list)
    nappies: list[Nappy] = field(default_factory=list)
    mood: str | None = None
    activities: list[str] = field(default_factory=list)


def refused(code: str, nl: str, en: str, **details: object) -> RefusedError:
    return RefusedError(Refusal(code, nl, en, dict(details)))


def _time(value: str, where: str) -> str:
    value = (value or "").strip()
    if not _TIME.match(value):
        raise refused(
            "INVALID_TIME",
            f"Ongeldige tijd '{value[:10]}': gebruik UU:MM.",
            f"Invalid time '{value[:10]}': use HH:MM.",
            field=where,
        )
    return value


def _short(value: str | None, where: str) -> str:
    text = (value or "").strip()
    if len(text) > MAX_SHORT:
        raise refused(
            "TEXT_TOO_LONG",
            f"Te lang (maximaal {MAX_SHORT} tekens).",
            f"Too long (at most {MAX_SHORT} characters).",
            field=where,
        )
    return text


def _count(items: list, where: str) -> None:
    if len(items) > MAX_PART_ITEMS:
        raise refused(
            "TOO_MANY_PARTS",
            f"Maximaal {MAX_PART_ITEMS} regels per onderdeel.",
            f"At most {MAX_PART_ITEMS} lines per part.",
            field=where,
        )


def clean_text(text: str | None) -> str:
    value = (text or "").strip()
    if len(value) > MAX_TEXT:
        raise refused(
            "TEXT_TOO_LONG",
            f"De tekst is te lang (maximaal {MAX_TEXT} tekens).",
            f"The text is too long (at most {MAX_TEXT} characters).",
            field="text",
        )
    return value


def details_of(parts: DiaryParts | None) -> dict[str, Any]:
    """The validated parts as stored `details` (only the parts that were given)."""
    if parts is None:
        return {}
    for items, where in (
        (parts.meals, "meals"),
        (parts.sleeps, "sleeps"),
        (parts.nappies, "nappies"),
        (parts.activities, "activities"),
    ):
        _count(items, where)
    details: dict[str, Any] = {}
    if parts.meals:
        details["meals"] = [
            {
                "time": _time(m.time, "meals"),
                "what": _short(m.what, "meals"),
                "amount": _short(m.amount, "meals"),
            }
            for m in parts.meals
        ]
    if parts.sleeps:
        details["sleeps"] = [_sleep(s) for s in parts.sleeps]
    if parts.nappies:
        details["nappies"] = [_nappy(n) for n in parts.nappies]
    mood = _short(parts.mood, "mood")
    if mood:
        details["mood"] = mood
    activities = [a for a in (_short(a, "activities") for a in parts.activities) if a]
    if activities:
        details["activities"] = activities
    return details


def _sleep(sleep: Sleep) -> dict[str, str | None]:
    start = _time(sleep.start, "sleeps")
    end = _time(sleep.end, "sleeps") if sleep.end else None
    if end is not None and end <= start:
        raise refused(
            "SLEEP_ENDS_BEFORE_START",
            "Een slaapje moet eindigen na het begin.",
            "A sleep must end after it starts.",
            field="sleeps",
        )
    return {"start": start, "end": end}


def _nappy(nappy: Nappy) -> dict[str, str]:
    kind = (nappy.kind or "").strip().lower()
    if kind not in NAPPY_KINDS:
        raise refused(
            "INVALID_NAPPY_KIND",
            "Kies nat, vies of droog.",
            "Choose wet, dirty or dry.",
            field="nappies",
        )
    return {"time": _time(nappy.time, "nappies"), "kind": kind}
