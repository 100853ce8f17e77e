"""Bookable time blocks per care type, and the school-free days that switch BSO blocks.

An organisation may define its own blocks (`TimeBlock` rows, for all locations or one);
without them a care type gets the built-in blocks below, clipped to the opening hours.
`None` as a start or end means "when the location opens" / "when it closes".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from models import BlockDays, CareType, SchoolFreePeriod, TimeBlock

MIDDAY = time(13, 0)
AFTER_SCHOOL = time(14, 0)


@dataclass(frozen=True, slots=True)
class Block:
    code: str
    name_nl: str
    name_en: str
    start: time
    end: time


_Default = tuple[str, str, str, time | None, time | None, BlockDays]
DEFAULT_BLOCKS: dict[CareType, tuple[_Default, ...]] = {
    CareType.KDV: (
        ("whole_day", "Hele dag", "Whole day", None, None, BlockDays.ANY),
        ("morning", "Ochtend", "Morning", None, MIDDAY, BlockDays.ANY),
        ("afternoon", "Middag", "Afternoon", MIDDAY, None, BlockDays.ANY),
    ),
    CareType.BSO: (
        ("after_school", "Na schooltijd", "After school", AFTER_SCHOOL, None, BlockDays.SCHOOL_DAY),
        ("school_free_day", "Vakantiedag", "School-free day", None, None,
         BlockDays.SCHOOL_FREE_DAY),
        ("school_free_morning", "Vakantieochtend", "School-free morning", None, MIDDAY,
         BlockDays.SCHOOL_FREE_DAY),
    ),
}  # fmt: skip


def _applies(days: BlockDays, school_free: bool) -> bool:
    if days is BlockDays.ANY:
        return True
    return school_free if days is BlockDays.SCHOOL_FREE_DAY else not school_free


@dataclass
class BlockCatalogue:
    """The blocks of one organisation: its own rows, with built-in defaults as fallback."""

    rows: list[TimeBlock]
    school_free: list[SchoolFreePeriod]

    @classmethod
    async def load(cls, organisation_id: int, start: date, end: date) -> BlockCatalogue:
        rows = await TimeBlock.filter(organisation_id=organisation_id).order_by("position", "id")
        periods = await SchoolFreePeriod.filter(
            organisation_id=organisation_id, start_date__lte=end, end_date__gte=start
        )
        return cls(list(rows), list(periods))

    def is_school_free(self, location_id: int, day: date) -> bool:
        """A school holiday or study day for this location (or the whole organisation)."""
        return any(
            p.start_date <= day <= p.end_date and p.location_id in (None, location_id)  # type: ignore[attr-defined]
            for p in self.school_free
        )

    def blocks(
        self, care_type: CareType, location_id: int, day: date, opens: time, closes: time
    ) -> list[Block]:
        """The blocks offered on `day`, inside the opening hours, in display order."""
        school_free = self.is_school_free(location_id, day)
        own = [r for r in self.rows if r.care_type == care_type]
        local = [r for r in own if r.location_id == location_id]  # type: ignore[attr-defined]
        chosen = local or [r for r in own if r.location_id is None]  # type: ignore[attr-defined]
        if chosen:
            specs = [
                (r.code, r.name_nl, r.name_en, r.start_time, r.end_time, r.days) for r in chosen
            ]
        else:
            specs = list(DEFAULT_BLOCKS.get(care_type, ()))
        result = []
        for code, name_nl, name_en, start, end, days in specs:
            if not _applies(BlockDays(days), school_free):
                continue
            begin, finish = max(start or opens, opens), min(end or closes, closes)
            if begin < finish:
                result.append(Block(code, name_nl, name_en, begin, finish))
        return result
