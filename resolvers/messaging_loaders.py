"""DataLoaders of conversations and messages, one set per request (`loaders.messaging`).

Everything here is keyed by conversations or messages the viewer already reached through an
authorised path (their conversation list, `node`, a mutation result, a live event)."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from models import Conversation, MediaFile, Message
from services import conversations
from services.principal import Principal


class MessagingLoaders:
    def __init__(self, principal: Principal | None) -> None:
        self.principal = principal
        self._scope: conversations.ConversationScope | None = None
        self.conversation_by_id: DataLoader[int, Conversation | None] = DataLoader(
            self._conversations
        )
        self.last_message_by_conversation: DataLoader[int, Message | None] = DataLoader(
            self._last_messages
        )
        self.unread_count_by_conversation: DataLoader[int, int] = DataLoader(self._unread)
        self.read_marker_by_conversation: DataLoader[int, int] = DataLoader(self._own_markers)
        self.read_markers_by_conversation: DataLoader[int, dict[int, int]] = DataLoader(
            self._all_markers
        )
        self.participant_ids_by_conversation: DataLoader[int, set[int]] = DataLoader(
            self._participants
        )
        self.attachments_by_message: DataLoader[int, list[MediaFile]] = DataLoader(
            self._attachments
        )

    async def scope(self) -> conversations.ConversationScope:
        """The viewer's conversations as they are now, computed once per request (a live
        subscription gets fresh loaders, so a fresh scope, for every batch of events)."""
        if self._scope is None:
            assert self.principal is not None
            self._scope = await conversations.scope_for(self.principal)
        return self._scope

    async def _conversations(self, ids: Sequence[int]) -> list[Conversation | None]:
        rows = {c.id: c for c in await Conversation.filter(id__in=list(ids))}
        return [rows.get(i) for i in ids]

    async def _last_messages(self, ids: Sequence[int]) -> list[Message | None]:
        found = await conversations.last_messages(ids)
        return [found.get(i) for i in ids]

    async def _unread(self, ids: Sequence[int]) -> list[int]:
        if self.principal is None:
            return [0 for _ in ids]
        counts = await conversations.unread_counts(self.principal.user_id, ids)
        return [counts[i] for i in ids]

    async def _own_markers(self, ids: Sequence[int]) -> list[int]:
        if self.principal is None:
            return [0 for _ in ids]
        marks = await conversations.read_markers(self.principal.user_id, ids)
        return [marks[i] for i in ids]

    async def _all_markers(self, ids: Sequence[int]) -> list[dict[int, int]]:
        markers = await conversations.all_read_markers(ids)
        return [markers[i] for i in ids]

    async def _participants(self, ids: Sequence[int]) -> list[set[int]]:
        rows = [c for c in await self.conversation_by_id.load_many(list(ids)) if c is not None]
        found = await conversations.participant_ids(rows)
        return [found.get(i, set()) for i in ids]

    async def _attachments(self, ids: Sequence[int]) -> list[list[MediaFile]]:
        found = await conversations.attachments(ids)
        return [found[i] for i in ids]
