"""Live fields: what each listens to and how an event is reloaded (see `subscriptions.live`).

Adding one is a scope (topics and event types, re-evaluated on every poll), a `load` through
the same authorised path as a query, and the loop at the bottom of `message_added`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from functools import partial
from typing import Any

import strawberry

from models import Group
from resolvers.dataloaders import Loaders
from resolvers.lazy_loaders import LazyLoaders
from resolvers.node import resolve_node
from schema.context import Info
from schema.ids import pk_of, to_global_id
from schema.relay import Edge
from schema.types.conversations import Conversation, Message, Participant
from schema.types.diary import DiaryEntry
from services import access, conversations
from services.diary_events import DIARY_EVENT_TYPES
from services.errors import AccessDenied
from services.events import StoredEvent, latest_event_id
from services.message_audience import KeptReaders, MessageAudience, message_audiences
from services.messaging import MESSAGE_ADDED
from subscriptions.direct import DirectForm
from subscriptions.feed import SharedLoader
from subscriptions.live import LiveScope, event_cursor, live_events
from subscriptions.projection import Serialized
from subscriptions.shared_execution import mark

# What a message delivery shows the same to every viewer allowed to read it (everything else,
# e.g. isMine, isRead, readBy, conversation { unreadCount }, depends on who looks).
MESSAGE_SHARED_FIELDS = frozenset(
    {
        "Subscription.messageAdded",
        "MessageEdge.cursor",
        "MessageEdge.node",
        "Message.id",
        "Message.body",
        "Message.sentAt",
        "Message.author",
        "Message.conversation",
        "Conversation.id",
        "Conversation.subject",
        "Participant.firstName",
        "Participant.lastName",
        "Participant.name",
        "Participant.role",
    }
)


async def _deliveries(keys: list[tuple[int, int]]) -> dict[tuple[int, int], _Delivery]:
    """(organisation, message) -> the message with who may read it, and its node."""
    found: dict[tuple[int, int], _Delivery] = {}
    for organisation_id in {o for o, _ in keys}:
        ids = [m for o, m in keys if o == organisation_id]
        for message_id, audience in (await message_audiences(organisation_id, ids)).items():
            found[(organisation_id, message_id)] = (audience, _node(audience))
    return found


def _node(audience: MessageAudience) -> Message:
    """The message's node from its columns (no model needed); the author and conversation
    loaded with it ride along for the direct path's `MESSAGE_DIRECT.prepared`."""
    return Message(
        id=strawberry.ID(to_global_id("Message", audience.message_id)),
        pk=audience.message_id,
        conversation_pk=audience.conversation_id,
        author_pk=audience.author_id,
        body=audience.body,
        sent_at=audience.sent_at,
        delivered=audience,
    )


def _prime(audience: MessageAudience, loaders: Loaders) -> None:
    """What the delivery has loaded already: the author, conversation and attachments."""
    message = audience.message
    if message.author is not None:  # type: ignore[attr-defined]
        loaders.user_by_id.prime(message.author_id, message.author)  # type: ignore[attr-defined]
    loaders.messaging.conversation_by_id.prime(
        message.conversation_id,  # type: ignore[attr-defined]
        message.conversation,
    )
    loaders.messaging.attachments_by_message.prime(message.id, audience.attachments)


_Delivery = tuple[MessageAudience, Message]
# Once per process for all subscriptions delivering the same messages (see feed.SharedLoader).
_messages: SharedLoader[tuple[int, int], _Delivery] = SharedLoader(_deliveries)


class _DeliveredMessage:
    """The message node of a direct delivery: what a projection reads of `Message` (its plain
    fields, `delivered` for `prepared`), from the audience's row when it is read (the same
    values as `_node`'s, without building a strawberry object per event)."""

    __slots__ = ("delivered",)

    def __init__(self, delivered: MessageAudience) -> None:
        self.delivered = delivered

    @property
    def id(self) -> str:
        return to_global_id("Message", self.delivered.message_id)

    @property
    def body(self) -> str:
        return self.delivered.body

    @property
    def sent_at(self) -> datetime | Serialized:
        text = self.delivered.sent_at_text  # (written as it is: no parsing and writing again)
        return Serialized(text) if text is not None else self.delivered.sent_at


class _DeliveredEdge:
    """The edge a direct delivery projects from (`MessageEdge`: cursor and node)."""

    __slots__ = ("_event_id", "node")

    def __init__(self, event_id: int, node: _DeliveredMessage) -> None:
        self._event_id = event_id
        self.node = node

    @property
    def cursor(self) -> str:
        return event_cursor(self._event_id)


async def _shared_messages(
    organisation_id: int, events: list[StoredEvent], kept: dict[Any, Any], uses: frozenset[str]
) -> dict[int, tuple[MessageAudience, _DeliveredMessage]]:
    """Direct delivery: per event, the message with who may read it and its node (the
    author and conversation are made only if the selection asks, through `prepared`; the
    authors are read only then, attachments never: no projection shows them); who may read
    each conversation is kept between the feed's batches (`KeptReaders`)."""
    ids = [int(event.payload["message_id"]) for event in events]
    readers = kept.get(KeptReaders)
    if readers is None:
        readers = kept[KeptReaders] = KeptReaders()
    conversation_ids = [event.payload.get("conversation_id") for event in events]
    audiences = await message_audiences(
        organisation_id,
        ids,
        readers,
        [int(c) for c in conversation_ids if c is not None],
        authors="Message.author" in uses,
        attachments=False,
    )
    found: dict[int, tuple[MessageAudience, _DeliveredMessage]] = {}
    for event in events:
        audience = audiences.get(int(event.payload["message_id"]))
        if audience is not None:
            found[event.id] = (audience, _DeliveredMessage(audience))
    return found


def _loaded_author(message: Message | _DeliveredMessage) -> Participant | None:
    assert isinstance(message.delivered, MessageAudience)  # (built by _shared_messages)
    author = message.delivered.author
    return Participant.from_model(author) if author is not None else None


def _loaded_conversation(message: Message | _DeliveredMessage) -> Conversation:
    assert isinstance(message.delivered, MessageAudience)
    return Conversation.from_model(message.delivered.conversation)


# messageAdded without a task per subscription (subscriptions.direct): the selection is
# projected from the edge when it reads only data of the message, its author and its
# conversation (a viewer-dependent field such as isMine takes the task path).
MESSAGE_DIRECT: DirectForm[tuple[MessageAudience, _DeliveredMessage]] = DirectForm(
    share=_shared_messages,
    allows=lambda found, principal: found[0].allows(principal),
    root=lambda event, found: _DeliveredEdge(event.id, found[1]),
    prepared={"Message.author": _loaded_author, "Message.conversation": _loaded_conversation},
)


async def message_added(
    info: Info, conversation_id: str | None, after: str | None
) -> AsyncIterator[Edge[Message]]:
    """New messages of one conversation, or of all the viewer's conversations (also those
    started later: the viewer's children's topics for parents, their groups' for staff)."""
    principal = info.context.principal
    assert principal is not None  # IsAuthenticated
    only = pk_of(conversation_id, "Conversation") if conversation_id else None

    async def scope() -> LiveScope:
        if only is not None:
            await conversations.visible_conversation(principal, only)  # AccessDenied ends it
            return LiveScope.of({f"conversation:{only}"}, {MESSAGE_ADDED})
        return LiveScope.of((await conversations.scope_for(principal)).topics(), {MESSAGE_ADDED})

    async def load(event: StoredEvent) -> Message | None:
        # The message and who may read it now: once per process for every connection that
        # delivers it (a few queries), then a set lookup for this viewer.
        message_id = int(event.payload["message_id"])
        found = await _messages.load(event, (principal.organisation_id, message_id))
        if found is None or not found[0].allows(principal):
            return None
        audience, node = found
        loaders = info.context.loaders
        prime = partial(_prime, audience)
        if isinstance(loaders, LazyLoaders):
            loaders.when_built(prime)  # only if the selection reaches for them
        else:
            prime(loaders)
        return node

    viewer = (principal.user_id, info.context.locale)
    async for event, node in live_events(info, scope, after, load, form=MESSAGE_DIRECT):
        edge = Edge(cursor=event_cursor(event.id), node=node)
        # Authorised for this viewer above: receivers of the event with the same selection
        # share its execution (per viewer when it asks for more than MESSAGE_SHARED_FIELDS).
        yield mark(edge, event, viewer, MESSAGE_SHARED_FIELDS)


async def diary_entry_added(
    info: Info, child_id: str | None, after: str | None
) -> AsyncIterator[Edge[DiaryEntry]]:
    """New or updated diary entries of one child, or of every child the viewer sees."""
    principal = info.context.principal
    assert principal is not None  # IsAuthenticated
    only = pk_of(child_id, "Child") if child_id else None

    async def scope() -> LiveScope:
        if only is not None:
            if only not in set(await access.visible_child_ids(principal)):
                raise AccessDenied("NOT_FOUND")
            return LiveScope.of({f"child:{only}"}, DIARY_EVENT_TYPES)
        if principal.is_parent:
            topics = {f"child:{c}" for c in await access.visible_child_ids(principal)}
        elif principal.is_staff:
            topics = {f"group:{g}" for g in await access.staff_group_ids(principal)}
        else:
            groups = Group.filter(organisation_id=principal.organisation_id)
            topics = {f"group:{g}" for g in await groups.values_list("id", flat=True)}
        return LiveScope.of(topics, DIARY_EVENT_TYPES)

    async def load(event: StoredEvent) -> DiaryEntry | None:
        entry_id = int(event.payload["diary_entry_id"])
        node = await resolve_node(info, to_global_id("DiaryEntry", entry_id))
        return node if isinstance(node, DiaryEntry) else None

    async for event, node in live_events(info, scope, after, load):
        yield Edge(cursor=event_cursor(event.id), node=node)


async def viewer_event_cursor(info: Info) -> str:
    """The cursor of the newest event of the viewer's organisation, for `after:`."""
    principal = info.context.principal
    assert principal is not None
    return event_cursor(await latest_event_id(principal.organisation_id))
