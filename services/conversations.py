"""Who takes part in which conversation, and what a participant reads: lists, messages,
unread counts, read state.

A conversation is about one child and one group. Its participants are derived, never
stored:
- the child's guardians, while they may see the child (`services.access`: until the access
  window after the last care day closes);
- the staff who work in the group today, while the child is visible to them. Staff who join
  the group later see its whole history; staff who leave stop seeing it.
Planners and admins are not participants: a conversation is between a family and a group.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from tortoise.expressions import Q
from tortoise.functions import Count, Max
from tortoise.queryset import QuerySet

from models import (
    Conversation,
    ConversationRead,
    Guardianship,
    MediaFile,
    Message,
    MessageAttachment,
    StaffAssignment,
)
from services import access, clock, media_access
from services.errors import AccessDenied
from services.principal import Principal


@dataclass(frozen=True)
class ConversationScope:
    """The conversations a principal takes part in: about these children, in these groups
    (`group_ids` None: any group)."""

    organisation_id: int
    child_ids: frozenset[int]
    group_ids: frozenset[int] | None

    @property
    def empty(self) -> bool:
        return not self.child_ids or self.group_ids == frozenset()

    def allows(self, conversation: Conversation) -> bool:
        return (
            conversation.organisation_id == self.organisation_id  # type: ignore[attr-defined]
            and conversation.child_id in self.child_ids  # type: ignore[attr-defined]
            and (self.group_ids is None or conversation.group_id in self.group_ids)  # type: ignore[attr-defined]
        )

    def filter(self, query: QuerySet[Conversation]) -> QuerySet[Conversation]:
        query = query.filter(organisation_id=self.organisation_id, child_id__in=self.child_ids)
        return query if self.group_ids is None else query.filter(group_id__in=self.group_ids)

    def topics(self) -> frozenset[str]:
        """Event topics that carry every message of these conversations, also of
        conversations started later: the children's (parents) or the groups' (staff)."""
        if self.empty:
            return frozenset()
        if self.group_ids is None:
            return frozenset(f"child:{c}" for c in self.child_ids)
        return frozenset(f"group:{g}" for g in self.group_ids)


async def scope_for(principal: Principal) -> ConversationScope:
    """The principal's conversations as they are now."""
    none = ConversationScope(principal.organisation_id, frozenset(), frozenset())
    if principal.is_parent:
        children = frozenset(await access.visible_child_ids(principal))
        return ConversationScope(principal.organisation_id, children, None)
    if principal.is_staff:
        groups = frozenset(await access.staff_group_ids(principal))
        if not groups:
            return none
        children = frozenset(await access.visible_child_ids(principal))
        return ConversationScope(principal.organisation_id, children, groups)
    return none


async def visible_conversation(principal: Principal, conversation_id: int) -> Conversation:
    """The conversation if the principal takes part in it; AccessDenied otherwise
    (NOT_FOUND when it does not exist in their organisation, FORBIDDEN when it does)."""
    conversation = await Conversation.get_or_none(
        id=conversation_id, organisation_id=principal.organisation_id
    )
    if conversation is None:
        raise AccessDenied("NOT_FOUND")
    if not (await scope_for(principal)).allows(conversation):
        raise AccessDenied("FORBIDDEN")
    return conversation


async def visible_message(
    principal: Principal, message_id: int, scope: ConversationScope | None = None
) -> Message | None:
    """A message, if the principal takes part in its conversation now (else None); pass the
    principal's `scope` when it was just computed (once per live batch)."""
    message = (
        await Message.filter(id=message_id, conversation__organisation_id=principal.organisation_id)
        .select_related("conversation")
        .first()
    )
    if message is None:
        return None
    scope = scope or await scope_for(principal)
    return message if scope.allows(message.conversation) else None


@dataclass(frozen=True)
class Position:
    """A place in the conversation list (newest activity first): strictly after this."""

    at: datetime
    id: int


async def conversations_page(
    principal: Principal, size: int, after: Position | None = None
) -> tuple[list[Conversation], bool]:
    """One page of the principal's conversations, most recent activity first, and has-next."""
    scope = await scope_for(principal)
    if scope.empty:
        return [], False
    query = scope.filter(Conversation.all())
    if after is not None:
        query = query.filter(
            Q(last_message_at__lt=after.at) | Q(last_message_at=after.at, id__lt=after.id)
        )
    rows = await query.order_by("-last_message_at", "-id").limit(size + 1)
    return list(rows[:size]), len(rows) > size


async def messages_page(
    conversation_id: int, size: int, before_id: int | None = None
) -> tuple[list[Message], bool]:
    """One page of a conversation's messages, newest first (older ones after `before_id`)."""
    query = Message.filter(conversation_id=conversation_id)
    if before_id is not None:
        query = query.filter(id__lt=before_id)
    rows = await query.order_by("-id").limit(size + 1)
    return list(rows[:size]), len(rows) > size


async def last_messages(conversation_ids: Sequence[int]) -> dict[int, Message]:
    """The newest message of each conversation (two queries for any number)."""
    if not conversation_ids:
        return {}
    newest = (
        await Message.filter(conversation_id__in=list(conversation_ids))
        .group_by("conversation_id")
        .annotate(last_id=Max("id"))
        .values_list("last_id", flat=True)
    )
    rows = await Message.filter(id__in=[i for i in newest if i])
    return {m.conversation_id: m for m in rows}  # type: ignore[attr-defined]


async def read_markers(user_id: int, conversation_ids: Sequence[int]) -> dict[int, int]:
    """How far the user has read each conversation (last read message id; 0 when never)."""
    rows = await ConversationRead.filter(
        user_id=user_id, conversation_id__in=list(conversation_ids)
    ).values_list("conversation_id", "last_read_message_id")
    marks = dict.fromkeys(conversation_ids, 0)
    marks.update({c: m for c, m in rows})
    return marks


async def unread_counts(user_id: int, conversation_ids: Sequence[int]) -> dict[int, int]:
    """Per conversation, the messages of others after the user's read marker: one count
    query for the whole page (plus one for the markers)."""
    if not conversation_ids:
        return {}
    marks = await read_markers(user_id, conversation_ids)
    after_marker = Q(*(Q(conversation_id=c, id__gt=m) for c, m in marks.items()), join_type=Q.OR)
    not_mine = Q(author_id__isnull=True) | ~Q(author_id=user_id)
    rows = (
        await Message.filter(after_marker, not_mine)
        .group_by("conversation_id")
        .annotate(unread=Count("id"))
        .values_list("conversation_id", "unread")
    )
    counts = dict.fromkeys(conversation_ids, 0)
    counts.update({c: n for c, n in rows})
    return counts


async def all_read_markers(conversation_ids: Sequence[int]) -> dict[int, dict[int, int]]:
    """Per conversation, every user's read marker: {conversation: {user: last read id}}."""
    markers: dict[int, dict[int, int]] = {c: {} for c in conversation_ids}
    for conversation_id, user_id, mark in await ConversationRead.filter(
        conversation_id__in=list(conversation_ids)
    ).values_list("conversation_id", "user_id", "last_read_message_id"):
        markers[conversation_id][user_id] = mark
    return markers


async def participant_ids(conversations: Iterable[Conversation]) -> dict[int, set[int]]:
    """Per conversation, the users taking part today: the child's guardians and the group's
    current staff (two queries for any number of conversations)."""
    conversations = list(conversations)
    children = {c.child_id for c in conversations}  # type: ignore[attr-defined]
    groups = {c.group_id for c in conversations}  # type: ignore[attr-defined]
    guardians: dict[int, set[int]] = {}
    for child_id, user_id in await Guardianship.filter(child_id__in=children).values_list(
        "child_id", "user_id"
    ):
        guardians.setdefault(child_id, set()).add(user_id)
    today = clock.today()
    staff: dict[int, set[int]] = {}
    for group_id, user_id in await StaffAssignment.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today),
        group_id__in=groups,
        start_date__lte=today,
        user__is_active=True,
    ).values_list("group_id", "user_id"):
        staff.setdefault(group_id, set()).add(user_id)
    return {
        c.id: guardians.get(c.child_id, set()) | staff.get(c.group_id, set())  # type: ignore[attr-defined]
        for c in conversations
    }


async def attachments(message_ids: Sequence[int]) -> dict[int, list[MediaFile]]:
    """Per message, its attached files in the order they were attached."""
    links = (
        await MessageAttachment.filter(message_id__in=list(message_ids))
        .select_related("media")
        .order_by("id")
    )
    found: dict[int, list[MediaFile]] = {m: [] for m in message_ids}
    for link in links:
        found[link.message_id].append(link.media)  # type: ignore[attr-defined]
    return found


@media_access.register_read_rule
async def message_attachment_rule(principal: Principal, media: MediaFile) -> bool | None:
    """Files attached to messages: readable by the participants of those conversations."""
    conversation_ids = await MessageAttachment.filter(media_id=media.id).values_list(
        "message__conversation_id", flat=True
    )
    if not conversation_ids:
        return None
    scope = await scope_for(principal)
    return any(scope.allows(c) for c in await Conversation.filter(id__in=conversation_ids))
