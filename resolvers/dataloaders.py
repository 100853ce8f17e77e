"""DataLoaders, one set per request, named `<thing>_by_<key>` (saleor style)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import date
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

from models import Child, DiaryEntry, Group, Location, MediaFile, Organisation, User
from resolvers import diary_loaders, timeline_loaders
from resolvers.agenda_loaders import AgendaLoaders
from resolvers.loaded import load_many
from resolvers.messaging_loaders import MessagingLoaders
from services import access, clock, locations, news, newsletters, timeline
from services.children_snapshot import Snapshot
from services.principal import Principal
from services.request_auth import Authenticated

M = TypeVar("M")


def _by_id(model: Any) -> Callable[[Sequence[int]], Awaitable[list[Any]]]:
    async def load(ids: Sequence[int]) -> list[Any]:
        rows = {row.id: row for row in await model.filter(id__in=list(ids))}
        return [rows.get(i) for i in ids]

    return load


class Loaders:
    """Built lazily; everything the principal may not see is filtered in `services.access`."""

    def __init__(self, principal: Principal | None = None) -> None:
        self.principal = principal
        self._visible_child_ids: asyncio.Future[list[int]] | None = None
        self.child_by_id: DataLoader[int, Child | None] = DataLoader(_by_id(Child))
        self.user_by_id: DataLoader[int, User | None] = DataLoader(_by_id(User))
        self.organisation_by_id: DataLoader[int, Organisation | None] = DataLoader(
            _by_id(Organisation)
        )
        self._location_ids: asyncio.Future[list[int]] | None = None
        self.location_by_id: DataLoader[int, Location | None] = DataLoader(_by_id(Location))
        self.news_attachments_by_news_item = DataLoader(news.attachments)
        self.newsletter_attachments_by_newsletter = DataLoader(newsletters.attachments)
        self.news_read_by_news_item: DataLoader[int, bool] = DataLoader(self._news_read)
        self.news_read_count_by_news_item: DataLoader[int, int] = DataLoader(self._news_reads)
        # Timeline, placements, mentor (issue 3): see resolvers.timeline_loaders.
        self._today: date | None = None
        self.group_by_id: DataLoader[int, Group | None] = DataLoader(_by_id(Group))
        self.media_by_id: DataLoader[int, MediaFile | None] = DataLoader(_by_id(MediaFile))
        self.diary_entry_by_id: DataLoader[int, DiaryEntry | None] = DataLoader(_by_id(DiaryEntry))
        self.timeline_item_by_id = DataLoader(timeline.items_by_id)
        self.timeline_page_by_child = DataLoader(timeline_loaders.timeline_pages)
        self.media_by_timeline_item = DataLoader(timeline.media_by_item)
        self.child_ids_by_timeline_item = DataLoader(timeline.child_ids_by_item)
        self.media_by_diary_entry = DataLoader(timeline_loaders.media_by_diary_entry)
        self.diary_page_by_child = DataLoader(diary_loaders.diary_page_by_child)
        self.placements_by_child = DataLoader(timeline_loaders.placements_loader(self.today))
        # Conversations and messages (issue 4): see resolvers.messaging_loaders.
        self.messaging = MessagingLoaders(principal)
        # Agenda, requests and credits (issue 6): see resolvers.agenda_loaders.
        self.agenda = AgendaLoaders(principal)

    def prime_viewer(self, signed_in: Authenticated) -> None:
        """What the statement that authenticated the request brought along (the user, the
        organisation, a parent's visible children): nothing asks the database again."""
        user, organisation = signed_in.user, signed_in.organisation
        self.user_by_id.prime(user.id, user)
        self.organisation_by_id.prime(organisation.id, organisation)
        self._today = clock.today(organisation.timezone)
        if signed_in.visible_child_ids is not None:
            known = asyncio.get_running_loop().create_future()
            known.set_result(list(signed_in.visible_child_ids))
            self._visible_child_ids = known

    def prime_children(self, snapshot: Snapshot, page_key: tuple | None) -> None:
        """Rows of `services.children_snapshot` in the loaders the field resolvers read
        (`page_key` is (size, after) of the timeline page it holds)."""
        for loader, rows in (
            (self.child_by_id, snapshot.children),
            (self.group_by_id, snapshot.groups),
            (self.location_by_id, snapshot.locations),
            (self.user_by_id, snapshot.users),
            (self.media_by_id, snapshot.media),
            (self.timeline_item_by_id, snapshot.items),
            (self.diary_entry_by_id, snapshot.diary_entries),
        ):
            loader.prime_many({row.id: row for row in rows})
        for child_id, placements in (snapshot.placements or {}).items():
            self.placements_by_child.prime((child_id, None), placements)
        if snapshot.pages is not None and page_key is not None:
            for child_id, page in snapshot.pages.items():
                self.timeline_page_by_child.prime((child_id, *page_key), page)
        self.child_ids_by_timeline_item.prime_many(snapshot.item_children)
        self.media_by_timeline_item.prime_many(snapshot.item_media)

    async def visible_child_ids(self) -> list[int]:
        """The children this principal may see, computed once per request (resolvers running
        at the same time share the one computation)."""
        if self.principal is None:
            return []
        if self._visible_child_ids is None:
            self._visible_child_ids = asyncio.ensure_future(
                access.visible_child_ids(self.principal)
            )
        return await self._visible_child_ids

    def visible_child_ids_now(self) -> list[int] | None:
        """The visible children when they are known already (else None: await the above)."""
        known = self._visible_child_ids
        if known is None or not known.done() or known.cancelled() or known.exception():
            return None
        return known.result()

    async def today(self) -> date:
        """Today where the principal's organisation is, computed once per request."""
        if self._today is None:
            organisation = (
                await self.organisation_by_id.load(self.principal.organisation_id)
                if self.principal
                else None
            )
            self._today = clock.today(organisation.timezone if organisation else "Europe/Amsterdam")
        return self._today

    async def visible_location_ids(self) -> list[int]:
        """The locations of this principal ("my locations"), computed once per request."""
        if self.principal is None:
            return []
        if self._location_ids is None:
            self._location_ids = asyncio.ensure_future(self._load_location_ids(self.principal))
        return await self._location_ids

    async def _load_location_ids(self, principal: Principal) -> list[int]:
        children = await self.visible_child_ids() if principal.is_parent else None
        return await locations.location_ids_for(principal, children)

    async def _news_read(self, ids: Sequence[int]) -> list[bool]:
        read = await news.read_item_ids(self.principal.user_id, ids) if self.principal else set()
        return [i in read for i in ids]

    async def _news_reads(self, ids: Sequence[int]) -> list[int]:
        counts = await news.read_counts(ids)
        return [counts.get(i, 0) for i in ids]

    async def visible_children(self, ids: Iterable[int]) -> list[Child]:
        children = await load_many(self.child_by_id, list(ids))
        return [c for c in children if c is not None]
