"""The batch function behind `Loaders.diary_page_by_child`: keys (child_id, size, after)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from services.diary_pages import DiaryPage, DiarySpot, diary_pages

DiaryPageKey = tuple[int, int, DiarySpot | None]


async def diary_page_by_child(keys: Sequence[DiaryPageKey]) -> list[DiaryPage]:
    groups: dict[tuple[int, DiarySpot | None], list[int]] = defaultdict(list)
    for child_id, size, after in keys:
        groups[(size, after)].append(child_id)
    found: dict[DiaryPageKey, DiaryPage] = {}
    for (size, after), child_ids in groups.items():
        pages = await diary_pages(child_ids, size, after)
        for child_id in child_ids:
            found[(child_id, size, after)] = pages[child_id]
    return [found[k] for k in keys]
