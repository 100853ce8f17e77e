"""Event type -> what to tell whom. Register a handler for a new event type in a few lines:

    @notifies("thing.happened")
    async def _thing(event: Event) -> Notice | None:
        return Notice(NotificationItem.NEWS, recipients={...}, actor_id=..., path="/...")

A handler loads what it needs by the ids in the payload and returns None when nothing is to
be said (e.g. the row is gone or withdrawn). Recipients are narrowed afterwards to active
users of the event's organisation, without the actor, by `dispatch`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from models import (
    Conversation,
    DayStatus,
    DiaryEntry,
    Document,
    Event,
    Message,
    NewsItem,
    Newsletter,
    NotificationItem,
    RequestedDay,
    Role,
    TimelineItem,
    TimelineItemChild,
    TimelineKind,
    User,
)
from services.notifications import recipients as who


@dataclass(frozen=True)
class Notice:
    """What an event means for notifications."""

    item: NotificationItem
    recipients: set[int]
    actor_id: int | None = None
    params: dict[str, str] = field(default_factory=dict)
    path: str = "/"


Handler = Callable[[Event], Awaitable["Notice | None"]]
HANDLERS: dict[str, Handler] = {}


def notifies(*event_types: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        for event_type in event_types:
            HANDLERS[event_type] = handler
        return handler

    return register


def _id(event: Event, *keys: str) -> int | None:
    for key in keys:
        value = (event.payload or {}).get(key)
        if isinstance(value, int):
            return value
    return None


@notifies("message.added")
async def _message(event: Event) -> Notice | None:
    message = await Message.get_or_none(id=_id(event, "message_id", "messageId"))
    if message is None:
        return None
    conversation = await Conversation.get(id=message.conversation_id)  # type: ignore[attr-defined]
    org = event.organisation_id  # type: ignore[attr-defined]
    users = await who.guardians_of(org, [conversation.child_id])  # type: ignore[attr-defined]
    users |= await who.staff_of_group(org, conversation.group_id)  # type: ignore[attr-defined]
    return Notice(
        NotificationItem.MESSAGE,
        users,
        actor_id=message.author_id,  # type: ignore[attr-defined]
        params={"child": await who.first_names([conversation.child_id])},  # type: ignore[attr-defined]
        path=f"/conversations/{conversation.id}",
    )


@notifies("diary_entry.added")
async def _diary(event: Event) -> Notice | None:
    entry = await DiaryEntry.get_or_none(id=_id(event, "diary_entry_id", "diaryEntryId"))
    if entry is None:
        return None
    org = event.organisation_id  # type: ignore[attr-defined]
    users = await who.guardians_of(org, [entry.child_id])  # type: ignore[attr-defined]
    author = await User.get_or_none(id=entry.author_id)  # type: ignore[attr-defined]
    if author is not None and author.role is Role.PARENT:
        users |= await who.staff_of_group(org, entry.group_id)  # type: ignore[attr-defined]
    return Notice(
        NotificationItem.DIARY,
        users,
        actor_id=entry.author_id,  # type: ignore[attr-defined]
        params={"child": await who.first_names([entry.child_id])},  # type: ignore[attr-defined]
        path=f"/children/{entry.child_id}/diary",  # type: ignore[attr-defined]
    )


@notifies("timeline.item_added")
async def _photo(event: Event) -> Notice | None:
    """One event per child of the post: a parent of several of them hears it once (with the
    event of the first of their children in the post)."""
    item = await TimelineItem.get_or_none(id=_id(event, "itemId", "item_id"))
    child_id = _id(event, "childId", "child_id")
    if item is None or child_id is None or item.kind is not TimelineKind.PHOTO_POST:
        return None
    org = event.organisation_id  # type: ignore[attr-defined]
    children = sorted(
        await TimelineItemChild.filter(item_id=item.id).values_list("child_id", flat=True)
    )
    earlier = [c for c in children if c < child_id]
    users = await who.guardians_of(org, [child_id]) - await who.guardians_of(org, earlier)
    return Notice(
        NotificationItem.PHOTO,
        users,
        actor_id=item.author_id,  # type: ignore[attr-defined]
        params={"child": await who.first_names([child_id])},
        path=f"/children/{child_id}/timeline",
    )


@notifies("news.published")
async def _news(event: Event) -> Notice | None:
    item = await NewsItem.get_or_none(id=_id(event, "newsItemId"), withdrawn_at=None)
    if item is None or item.published_at is None:
        return None
    org = event.organisation_id  # type: ignore[attr-defined]
    return Notice(
        NotificationItem.NEWS,
        await who.parents_of_location(org, item.location_id),  # type: ignore[attr-defined]
        actor_id=item.author_id,  # type: ignore[attr-defined]
        params={"title": item.title},
        path=f"/news/{item.id}",
    )


@notifies("newsletter.published")
async def _newsletter(event: Event) -> Notice | None:
    letter = await Newsletter.get_or_none(id=_id(event, "newsletterId"), withdrawn_at=None)
    if letter is None or letter.published_at is None:
        return None
    org = event.organisation_id  # type: ignore[attr-defined]
    return Notice(
        NotificationItem.NEWSLETTER,
        await who.parents_of_location(org, letter.location_id),  # type: ignore[attr-defined]
        actor_id=letter.author_id,  # type: ignore[attr-defined]
        params={"title": letter.title},
        path=f"/newsletters/{letter.id}",
    )


@notifies("document.added")
async def _document(event: Event) -> Notice | None:
    doc = await Document.get_or_none(id=_id(event, "documentId", "document_id"))
    if doc is None:
        return None
    return Notice(
        NotificationItem.DOCUMENT,
        {doc.owner_id},  # type: ignore[attr-defined]
        params={"title": doc.title},
        path=f"/documents/{doc.id}",
    )


@notifies("day_request.decided", "day_request.expired")
async def _request_decision(event: Event) -> Notice | None:
    day_ids = [d for d in (event.payload or {}).get("day_ids", []) if isinstance(d, int)]
    days = await RequestedDay.filter(id__in=day_ids).select_related("request")
    if not days:
        return None
    org = event.organisation_id  # type: ignore[attr-defined]
    children = {d.child_id for d in days}  # type: ignore[attr-defined]
    users = await who.guardians_of(org, children)
    requester = days[0].request.requested_by_id  # type: ignore[attr-defined]
    if requester is not None:
        users.add(requester)
    deciders = {d.decided_by_id for d in days} - {None}  # type: ignore[attr-defined]
    approved = sum(1 for d in days if d.status is DayStatus.APPROVED)
    return Notice(
        NotificationItem.REQUEST_DECISION,
        users,
        actor_id=next(iter(deciders)) if len(deciders) == 1 else None,
        params={
            "child": await who.first_names(children),
            "approved": str(approved),
            "other": str(len(days) - approved),
        },
        path=f"/requests/{days[0].request_id}",  # type: ignore[attr-defined]
    )
