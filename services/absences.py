"""Reporting absence: for a period, the planning is shown and the chosen day parts turn absent.

Absence gives no credit or hours back. Past days cannot be reported; a day (part) without
care is refused; a part already reported is refused. All chosen parts are saved together or
none. Staff of a group see the absences of their group for today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tortoise.transactions import in_transaction

from models import Absence, AbsenceReason, DayPart, Group, Organisation
from services import access, clock, locks
from services import care_refusals as refuse
from services.errors import AccessDenied, RefusedError
from services.events import DomainEvent, record
from services.planning import CareSlot, Planning, covers
from services.principal import Principal
from services.time_blocks import MIDDAY

MAX_RANGE_DAYS = 93
MAX_REMARK = 1000
REPORTED_EVENT = "absence.reported"


@dataclass(frozen=True, slots=True)
class PlanningDay:
    """A care day in the period: its slots, the parts that can be reported, those already absent."""

    date: date
    slots: list[CareSlot]
    parts: list[DayPart]
    absent_parts: list[DayPart]


def _reportable(slots: list[CareSlot]) -> list[DayPart]:
    parts = [DayPart.WHOLE_DAY]
    if any(s.start < MIDDAY for s in slots):
        parts.append(DayPart.MORNING)
    if any(s.end > MIDDAY for s in slots):
        parts.append(DayPart.AFTERNOON)
    return parts


def _care(planning: Planning, child_id: int, day: date) -> list[CareSlot]:
    """Care that takes place: contract days and approved extra/flexible days."""
    return [
        s
        for s in planning.planned_slots(child_id, day)
        if s.requested_day is None or s.requested_status == "approved"
    ]


async def planning_days(
    organisation_id: int, child_id: int, start: date, end: date
) -> list[PlanningDay]:
    """The care days of a child in the period (the caller checked the viewer sees it)."""
    planning = await Planning.load(organisation_id, [child_id], start, end)
    days = []
    for slot_date in sorted({s.date for s in planning.slots(child_id)}):
        slots = _care(planning, child_id, slot_date)
        if slots:
            absent = sorted(planning.absences.get((child_id, slot_date), set()))
            days.append(PlanningDay(slot_date, slots, _reportable(slots), absent))
    return days


async def report_absence(
    principal: Principal,
    child_id: int,
    start: date,
    end: date,
    reason: AbsenceReason,
    parts: list[tuple[date, DayPart]] | None = None,
    remark: str = "",
) -> list[Absence]:
    """Mark day parts absent (every care day of the period, whole day, when `parts` is None)."""
    if start > end or (end - start).days >= MAX_RANGE_DAYS:
        raise ValueError("the period is empty or too long")
    if parts is not None and any(not start <= d <= end for d, _ in parts):
        raise ValueError("a day part lies outside the period")
    if child_id not in set(await access.visible_child_ids(principal)):
        raise AccessDenied("NOT_FOUND")
    organisation = await Organisation.get(id=principal.organisation_id)
    today = clock.today(organisation.timezone)
    async with in_transaction() as conn:
        await locks.lock_children([child_id], conn)  # two reports at once: one is ALREADY_ABSENT
        planning = await Planning.load(organisation.id, [child_id], start, end)
        if parts is None:
            if start < today:
                raise RefusedError(refuse.past_day(start))
            days = [d.date for d in await planning_days(organisation.id, child_id, start, end)]
            if not days:
                raise RefusedError(refuse.no_care_on_day(start))
            parts = [(d, DayPart.WHOLE_DAY) for d in days]
        wanted = sorted(set(parts))
        rows = []
        for day, part in wanted:
            if day < today:
                raise RefusedError(refuse.past_day(day))
            slots = _care(planning, child_id, day)
            if not slots or part not in _reportable(slots):
                raise RefusedError(refuse.no_care_on_day(day))
            already = planning.absences.get((child_id, day), set())
            if (
                part in already
                or DayPart.WHOLE_DAY in already
                or (
                    part is DayPart.WHOLE_DAY
                    and all(covers(already, s.start, s.end) for s in slots)
                )
            ):
                raise RefusedError(refuse.already_absent(day))
            rows.append(
                await Absence.create(
                    organisation_id=organisation.id,
                    child_id=child_id,
                    group_id=slots[0].group_id,
                    date=day,
                    day_part=part,
                    reason=reason,
                    remark=remark,
                    reported_by_id=principal.user_id,
                )
            )
            planning.absences.setdefault((child_id, day), set()).add(part)
        await record(  # last: ids only, for webhooks
            DomainEvent(
                type=REPORTED_EVENT,
                topic=f"child:{child_id}",
                organisation_id=organisation.id,
                payload={"child_id": child_id, "absence_ids": [r.id for r in rows]},
                audience=tuple(sorted({f"group:{r.group_id}" for r in rows})),  # type: ignore[attr-defined]
            ),
            conn,
        )
        return rows


async def todays_absences(principal: Principal, group_id: int | None = None) -> list[Absence]:
    """Absences of today in the viewer's groups (staff) or the organisation (planners)."""
    organisation = await Organisation.get(id=principal.organisation_id)
    today = clock.today(organisation.timezone)
    if principal.is_staff:
        groups = set(await access.staff_group_ids(principal, today))
    elif principal.is_back_office:
        groups = set(
            await Group.filter(organisation_id=principal.organisation_id).values_list(
                "id", flat=True
            )
        )
    else:
        raise AccessDenied("FORBIDDEN")
    if group_id is not None:
        if group_id not in groups:
            raise AccessDenied("NOT_FOUND")
        groups = {group_id}
    return await Absence.filter(group_id__in=list(groups), date=today).order_by(
        "group_id", "child_id", "day_part", "id"
    )
