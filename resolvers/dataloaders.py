"""DataLoaders, one set per request, named `<thing>_by_<key>` (saleor style)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import date
from functools import cached_property
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
    """Each loader built on first use (a request asks a few of some forty: building them all
    cost ~0.2 ms a request); everything the principal may not see is filtered in
    `services.access`."""

    def __init__(self, principal: Principal | None = None) -> None:
        self.principal = principal
        self._visible_child_ids: asyncio.Future[list[int]] | None = None
        self._location_ids: asyncio.Future[list[int]] | None = None
        # Timeline, placements, mentor (issue 3): see resolvers.timeline_loaders.
        self._today: date | None = None

    @cached_property
    def child_by_id(self) -> DataLoader[int, Child | None]:
        return DataLoader(_by_id(Child))

    @cached_property
    def user_by_id(self) -> DataLoader[int, User | None]:
        return DataLoader(_by_id(User))

    @cached_property
    def organisation_by_id(self) -> DataLoader[int, Organisation | None]:
        return DataLoader(_by_id(Organisation))

    @cached_property
    def location_by_id(self) -> DataLoader[int, Location | None]:
        return DataLoader(_by_id(Location))

    @cached_property
    def news_attachments_by_news_item(self) -> DataLoader:
        return DataLoader(news.attachments)

    @cached_property
    def newsletter_attachments_by_newsletter(self) -> DataLoader:
        return DataLoader(newsletters.attachments)

    @cached_property
    def news_read_by_news_item(self) -> DataLoader[int, bool]:
        return DataLoader(self._news_read)

    @cached_property
    def news_read_count_by_news_item(self) -> DataLoader[int, int]:
        return DataLoader(self._news_reads)

    @cached_property
    def group_by_id(self) -> DataLoader[int, Group | None]:
        return DataLoader(_by_id(Group))

    @cached_property
    def media_by_id(self) -> DataLoader[int, MediaFile | None]:
        return DataLoader(_by_id(MediaFile))

    @cached_property
    def diary_entry_by_id(self) -> DataLoader[int, DiaryEntry | None]:
        return DataLoader(_by_id(DiaryEntry))

    @cached_property
    def timeline_item_by_id(self) -> DataLoader:
        return DataLoader(timeline.items_by_id)

    @cached_property
    def timeline_page_by_child(self) -> DataLoader:
        return DataLoader(timeline_loaders.timeline_pages)

    @cached_property
    def media_by_timeline_item(self) -> DataLoader:
        return DataLoader(timeline.media_by_item)

    @cached_property
    def child_ids_by_timeline_item(self) -> DataLoader:
        return DataLoader(timeline.child_ids_by_item)

    @cached_property
    def media_by_diary_entry(self) -> DataLoader:
        return DataLoader(timeline_loaders.media_by_diary_entry)

    @cached_property
    def diary_page_by_child(self) -> DataLoader:
        return DataLoader(diary_loaders.diary_page_by_child)

    @cached_property
    def placements_by_child(self) -> DataLoader:
        return DataLoader(timeline_loaders.placements_loader(self.today))

    @cached_property
    def messaging(self) -> MessagingLoaders:
        """Conversations and messages (issue 4): see resolvers.messaging_loaders."""
        return MessagingLoaders(self.principal)

    @cached_property
    def agenda(self) -> AgendaLoaders:
        """Agenda, requests and credits (issue 6): see resolvers.agenda_loaders."""
        return AgendaLoaders(self.principal)

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
