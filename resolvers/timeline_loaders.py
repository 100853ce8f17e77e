"""Batch functions behind the timeline, placement and diary-card DataLoaders.

Keys that carry arguments are tuples: a timeline page is (child_id, size, after), a list of
placements is (child_id, active_on). Keys with the same arguments share one statement.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from datetime import date

from models import DiaryMedia, MediaFile, Placement
from services import placements, timeline

PageKey = tuple[int, int, timeline.Position | None]
PlacementKey = tuple[int, date | None]


async def timeline_pages(keys: Sequence[PageKey]) -> list[timeline.Page]:
    groups: dict[tuple[int, timeline.Position | None], list[int]] = defaultdict(list)
    for child_id, size, after in keys:
        groups[(size, after)].append(child_id)
    found: dict[PageKey, timeline.Page] = {}
    for (size, after), child_ids in groups.items():
        pages = await timeline.timeline_pages(child_ids, size, after)
        for child_id in child_ids:
            found[(child_id, size, after)] = pages[child_id]
    return [found[k] for k in keys]


def placements_loader(
    today: Callable[[], Awaitable[date]],
) -> Callable[[Sequence[PlacementKey]], Awaitable[list[list[Placement]]]]:
    async def load(keys: Sequence[PlacementKey]) -> list[list[Placement]]:
        on_day = await today()
        groups: dict[date | None, list[int]] = defaultdict(list)
        for child_id, active_on in keys:
            groups[active_on].append(child_id)
        found: dict[PlacementKey, list[Placement]] = {}
        for active_on, child_ids in groups.items():
            rows = await placements.placements_for(child_ids, today=on_day, active_on=active_on)
            for child_id in child_ids:
                found[(child_id, active_on)] = rows.get(child_id, [])
        return [found[k] for k in keys]

    return load


async def media_by_diary_entry(entry_ids: Sequence[int]) -> list[list[MediaFile]]:
    found: dict[int, list[MediaFile]] = defaultdict(list)
    links = (
        await DiaryMedia.filter(entry_id__in=list(entry_ids))
        .select_related("media")
        .order_by("entry_id", "position", "id")
    )
    for link in links:
        found[link.entry_id].append(link.media)  # type: ignore[attr-defined]
    return [found.get(i, []) for i in entry_ids]
