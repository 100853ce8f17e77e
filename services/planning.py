"""The care days of some children in a date range, loaded in a fixed number of queries.

Contract days are generated here from the placements' weekly schedules for the range asked,
never stored. Requested (extra and flexible) days and absences are overlaid on them.
Closed days (weekends, public holidays, closure days, days the location is not open) are
never care days.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time

from tortoise.expressions import Q

from models import (
    Absence,
    CareType,
    DayKind,
    DayPart,
    DayStatus,
    Group,
    Location,
    Organisation,
    Placement,
    RequestedDay,
)
from services.calendar import Closed, ClosureCalendar, dates, opening_hours
from services.time_blocks import MIDDAY, BlockCatalogue

ACTIVE_STATUSES = (DayStatus.REQUESTED, DayStatus.APPROVED)
FLEXIBLE_CARE = (CareType.FLEX_KDV, CareType.FLEX_BSO)


def covers(parts: Iterable[DayPart], start: time, end: time) -> bool:
    """Do the absent day parts cover the whole of care from `start` to `end`?"""
    parts = set(parts)
    if DayPart.WHOLE_DAY in parts:
        return True
    morning_ok = start >= MIDDAY or DayPart.MORNING in parts
    afternoon_ok = end <= MIDDAY or DayPart.AFTERNOON in parts
    return bool(parts) and morning_ok and afternoon_ok


def overlaps(a: tuple[time, time], b: tuple[time, time]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


@dataclass(frozen=True, slots=True)
class CareSlot:
    """One care day (or part of one) of a child: a contract day or a requested day."""

    child_id: int
    date: date
    start: time
    end: time
    kind: DayKind
    status: DayStatus
    group_id: int
    placement_id: int | None = None
    requested_day: RequestedDay | None = None
    absent_parts: frozenset[DayPart] = frozenset()

    @property
    def is_planned(self) -> bool:
        """Care that takes place or waits for a decision (not rejected, expired, cancelled)."""
        return self.kind is DayKind.CONTRACT or self.requested_status in ACTIVE_STATUSES

    @property
    def requested_status(self) -> DayStatus | None:
        return DayStatus(self.requested_day.status) if self.requested_day else None

    @property
    def fully_absent(self) -> bool:
        return covers(self.absent_parts, self.start, self.end)


@dataclass
class Planning:
    """Placements, groups, locations, closures, requested days and absences for a range."""

    organisation: Organisation
    start: date
    end: date
    closures: ClosureCalendar
    catalogue: BlockCatalogue
    placements: dict[int, list[Placement]] = field(default_factory=dict)
    groups: dict[int, Group] = field(default_factory=dict)
    locations: dict[int, Location] = field(default_factory=dict)
    requested: dict[int, list[RequestedDay]] = field(default_factory=dict)
    absences: dict[tuple[int, date], set[DayPart]] = field(default_factory=dict)

    @classmethod
    async def load(
        cls, organisation_id: int, child_ids: Iterable[int], start: date, end: date
    ) -> Planning:
        ids = sorted(set(child_ids))
        organisation = await Organisation.get(id=organisation_id)
        planning = cls(
            organisation,
            start,
            end,
            await ClosureCalendar.load(organisation_id, start, end),
            await BlockCatalogue.load(organisation_id, start, end),
        )
        if not ids:
            return planning
        placements = await Placement.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=start),
            organisation_id=organisation_id,
            child_id__in=ids,
            start_date__lte=end,
        ).order_by("child_id", "start_date", "id")
        requested = await RequestedDay.filter(
            organisation_id=organisation_id, child_id__in=ids, date__gte=start, date__lte=end
        ).order_by("date", "start_time", "id")
        group_ids = {p.group_id for p in placements} | {d.group_id for d in requested}  # type: ignore[attr-defined]
        groups = await Group.filter(id__in=list(group_ids)) if group_ids else []
        location_ids = {g.location_id for g in groups}  # type: ignore[attr-defined]
        locations = await Location.filter(id__in=list(location_ids)) if location_ids else []
        absences = await Absence.filter(
            child_id__in=ids, date__gte=start, date__lte=end
        ).values_list("child_id", "date", "day_part")
        for p in placements:
            planning.placements.setdefault(p.child_id, []).append(p)  # type: ignore[attr-defined]
        for d in requested:
            planning.requested.setdefault(d.child_id, []).append(d)  # type: ignore[attr-defined]
        planning.groups = {g.id: g for g in groups}
        planning.locations = {loc.id: loc for loc in locations}
        parts: dict[tuple[int, date], set[DayPart]] = defaultdict(set)
        for child_id, day, part in absences:
            parts[(child_id, day)].add(DayPart(part))
        planning.absences = dict(parts)
        return planning

    # -- placements and places -------------------------------------------------------------

    def placements_on(self, child_id: int, day: date) -> list[Placement]:
        return [
            p
            for p in self.placements.get(child_id, [])
            if p.start_date <= day and (p.end_date is None or p.end_date >= day)
        ]

    def placement_on(self, child_id: int, day: date) -> Placement | None:
        """The placement that a request on `day` is for: the most recently started one."""
        active = self.placements_on(child_id, day)
        return active[-1] if active else None

    def location_of(self, group_id: int) -> Location:
        return self.locations[self.groups[group_id].location_id]  # type: ignore[attr-defined]

    def closed(self, group_id: int, day: date) -> Closed | None:
        return self.closures.closed(self.location_of(group_id), day)

    def opening(self, group_id: int, day: date) -> tuple[time, time] | None:
        return opening_hours(self.location_of(group_id), day)

    # -- slots ---------------------------------------------------------------------------

    def contract_slots(self, child_id: int, day: date) -> list[CareSlot]:
        absent = frozenset(self.absences.get((child_id, day), ()))
        slots = []
        for p in self.placements_on(child_id, day):
            if self.closed(p.group_id, day) is not None:  # type: ignore[attr-defined]
                continue
            for entry in p.schedule or []:
                if int(entry.get("weekday", -1)) != day.weekday():
                    continue
                slots.append(
                    CareSlot(
                        child_id=child_id,
                        date=day,
                        start=time.fromisoformat(entry["start"]),
                        end=time.fromisoformat(entry["end"]),
                        kind=DayKind.CONTRACT,
                        status=DayStatus.PLANNED,
                        group_id=p.group_id,  # type: ignore[attr-defined]
                        placement_id=p.id,
                        absent_parts=absent,
                    )
                )
        return slots

    def requested_slots(self, child_id: int, day: date | None = None) -> list[CareSlot]:
        rows = self.requested.get(child_id, [])
        return [
            CareSlot(
                child_id=child_id,
                date=r.date,
                start=r.start_time,
                end=r.end_time,
                kind=DayKind(r.kind),
                status=DayStatus(r.status),
                group_id=r.group_id,  # type: ignore[attr-defined]
                requested_day=r,
                absent_parts=frozenset(self.absences.get((child_id, r.date), ())),
            )
            for r in rows
            if day is None or r.date == day
        ]

    def planned_slots(self, child_id: int, day: date) -> list[CareSlot]:
        """Care that takes place on `day` (absent or not): contract plus pending/approved days."""
        extra = [s for s in self.requested_slots(child_id, day) if s.is_planned]
        return self.contract_slots(child_id, day) + extra

    def slots(self, child_id: int) -> list[CareSlot]:
        """Every agenda slot of the child in the loaded range, by date and start time."""
        contract = [
            s for d in dates(self.start, self.end) for s in self.contract_slots(child_id, d)
        ]
        everything = contract + self.requested_slots(child_id)
        return sorted(everything, key=lambda s: (s.date, s.start, s.kind != DayKind.CONTRACT))

    def planned_child_ids(self, group_id: int, day: date) -> set[int]:
        """Children who take up a place in the group on `day` (fully absent ones do not)."""
        present = set()
        for child_id in set(self.placements) | set(self.requested):
            for slot in self.planned_slots(child_id, day):
                if slot.group_id == group_id and not slot.fully_absent:
                    present.add(child_id)
                    break
        return present
