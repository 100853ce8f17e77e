"""Writing in conversations: start one, send a message, mark as read.

Each message is committed together with its outbox event (`message.added` on
`conversation:<id>`, also addressed to `child:<id>` and `group:<id>`, ids only) in one
transaction and published after commit; nothing is half-written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

import settings
from models import (
    Child,
    Conversation,
    ConversationRead,
    MediaKind,
    Message,
    MessageAttachment,
    Placement,
)
from services import access, clock, media
from services.conversations import visible_conversation
from services.errors import AccessDenied, Refusal, RefusedError
from services.events import DomainEvent, Publisher, StoredEvent, lock_event_order, record
from services.principal import Principal

MESSAGE_ADDED = "message.added"
ATTACHABLE = {MediaKind.PHOTO, MediaKind.VIDEO, MediaKind.DOCUMENT}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _refused(code: str, nl: str, en: str, **details: object) -> RefusedError:
    return RefusedError(Refusal(code, nl, en, dict(details)))


def clean_body(body: str) -> str:
    """Plain text: unified newlines, no control characters, no surrounding whitespace;
    refuses an empty or oversized body."""
    text = _CONTROL.sub("", (body or "").replace("\r\n", "\n").replace("\r", "\n")).strip()
    if not text:
        raise _refused(
            "EMPTY_MESSAGE", "Schrijf eerst een bericht.", "Write a message first.", field="body"
        )
    limit = settings.MESSAGE_MAX_LENGTH
    if len(text) > limit:
        raise _refused(
            "MESSAGE_TOO_LONG",
            f"Een bericht mag hoogstens {limit} tekens lang zijn.",
            f"A message may be at most {limit} characters long.",
            field="body",
            maxLength=limit,
        )
    return text


def message_added(conversation: Conversation, message: Message) -> DomainEvent:
    """The outbox event of a new message: ids only."""
    child_id, group_id = conversation.child_id, conversation.group_id  # type: ignore[attr-defined]
    return DomainEvent(
        type=MESSAGE_ADDED,
        topic=f"conversation:{conversation.id}",
        organisation_id=conversation.organisation_id,  # type: ignore[attr-defined]
        payload={
            "conversation_id": conversation.id,
            "message_id": message.id,
            "child_id": child_id,
            "group_id": group_id,
        },
        audience=(f"child:{child_id}", f"group:{group_id}"),
    )


async def _attachments(principal: Principal, media_ids: Sequence[int]) -> list:
    if len(set(media_ids)) > settings.MESSAGE_MAX_ATTACHMENTS:
        limit = settings.MESSAGE_MAX_ATTACHMENTS
        raise _refused(
            "TOO_MANY_ATTACHMENTS",
            f"Voeg hoogstens {limit} bijlagen toe.",
            f"Attach at most {limit} files.",
            field="attachmentIds",
        )
    return await media.ready_media_for(principal, list(media_ids), ATTACHABLE) if media_ids else []


async def child_group_ids(child_id: int, on: datetime | None = None) -> list[int]:
    """The groups a child is placed in now or will be (placements that have not ended)."""
    today = clock.today()
    rows = (
        await Placement.filter(Q(end_date__isnull=True) | Q(end_date__gte=today), child_id=child_id)
        .order_by("start_date", "id")
        .values_list("group_id", flat=True)
    )
    return list(dict.fromkeys(rows))


async def _group_for(principal: Principal, child: Child, group_id: int | None) -> int:
    """The group a new conversation about the child is with, or a refusal."""
    candidates = await child_group_ids(child.id)
    if principal.is_staff:
        mine = set(await access.staff_group_ids(principal))
        candidates = [g for g in candidates if g in mine]
    if group_id is not None:
        if group_id not in candidates:
            raise _refused(
                "GROUP_NOT_AVAILABLE",
                "Met deze groep kun je over dit kind geen gesprek beginnen.",
                "You cannot start a conversation with this group about this child.",
                field="groupId",
            )
        return group_id
    if not candidates:
        raise _refused(
            "NO_CURRENT_GROUP",
            "Dit kind zit (nog) niet in een groep waarmee je een gesprek kunt beginnen.",
            "This child has no current group to start a conversation with.",
            field="childId",
        )
    if len(candidates) > 1:
        raise _refused(
            "GROUP_REQUIRED",
            "Dit kind zit in meer groepen: kies de groep.",
            "This child is in more than one group: choose the group.",
            field="groupId",
        )
    return candidates[0]


async def advance_read(
    conversation_id: int, user_id: int, message_id: int, conn: BaseDBAsyncClient | None = None
) -> None:
    """Move the user's read marker forward to `message_id` (never backwards)."""
    now = clock.now()
    await ConversationRead.bulk_create(
        [
            ConversationRead(
                conversation_id=conversation_id,
                user_id=user_id,
                last_read_message_id=0,
                read_at=now,
            )
        ],
        ignore_conflicts=True,
        using_db=conn,
    )
    await (
        ConversationRead.filter(
            conversation_id=conversation_id, user_id=user_id, last_read_message_id__lt=message_id
        )
        .using_db(conn)
        .update(last_read_message_id=message_id, read_at=now)
    )


async def _write(
    principal: Principal,
    conversation: Conversation | None,
    new_conversation: dict | None,
    body: str,
    files: list,
) -> tuple[Message, StoredEvent]:
    """Conversation (when new) or its activity time and the author's read marker, then the
    message, its attachments and its event: one commit.

    The organisation's event lock is held from the message insert until commit, so message
    ids follow commit order too (the list of messages and the live order are the same); the
    rest is done before taking it, to keep that serialised part short."""
    async with in_transaction() as conn:
        now = clock.now()
        if conversation is None:
            conversation = await Conversation.create(
                **(new_conversation or {}), last_message_at=now, using_db=conn
            )
        else:
            await (
                Conversation.filter(id=conversation.id, last_message_at__lt=now)
                .using_db(conn)
                .update(last_message_at=now)
            )
            # Replying means having read what came before.
            newest = (
                await Message.filter(conversation_id=conversation.id)
                .using_db(conn)
                .order_by("-id")
                .first()
                .values_list("id", flat=True)
            )
            if newest:
                await advance_read(conversation.id, principal.user_id, int(newest), conn)
        await lock_event_order(conn, principal.organisation_id)
        message = await Message.create(
            conversation_id=conversation.id,
            author_id=principal.user_id,
            body=body,
            sent_at=clock.now(),  # under the lock: sent times follow message ids
            using_db=conn,
        )
        if files:
            await MessageAttachment.bulk_create(
                [MessageAttachment(message_id=message.id, media_id=f.id) for f in files],
                using_db=conn,
            )
        event = await record(message_added(conversation, message), conn, locked=True)
    message.conversation = conversation
    return message, event


def _require_participant_role(principal: Principal) -> None:
    if not (principal.is_parent or principal.is_staff):
        raise AccessDenied("FORBIDDEN")


async def start_conversation(
    principal: Principal,
    *,
    child_id: int,
    body: str,
    publisher: Publisher,
    attachment_ids: Sequence[int] = (),
    group_id: int | None = None,
    subject: str = "",
) -> Message:
    """A parent with their child's group, or staff with the guardians of a child in their
    group: a new conversation with its first message."""
    _require_participant_role(principal)
    if child_id not in set(await access.visible_child_ids(principal)):
        raise AccessDenied("NOT_FOUND")
    child = await Child.get(id=child_id)
    text = clean_body(body)
    chosen = await _group_for(principal, child, group_id)
    files = await _attachments(principal, attachment_ids)
    new = {
        "organisation_id": principal.organisation_id,
        "child_id": child.id,
        "group_id": chosen,
        "subject": (subject or "").strip()[:200],
        "started_by_id": principal.user_id,
    }
    message, event = await _write(principal, None, new, text, files)
    await publisher.publish(event)
    return message


async def send_message(
    principal: Principal,
    *,
    conversation_id: int,
    body: str,
    publisher: Publisher,
    attachment_ids: Sequence[int] = (),
) -> Message:
    """A reply in a conversation the principal takes part in."""
    _require_participant_role(principal)
    conversation = await visible_conversation(principal, conversation_id)
    text = clean_body(body)
    files = await _attachments(principal, attachment_ids)
    message, event = await _write(principal, conversation, None, text, files)
    await publisher.publish(event)
    return message


async def mark_read(principal: Principal, conversation_id: int) -> Conversation:
    """Everything in the conversation so far counts as read by the principal."""
    conversation = await visible_conversation(principal, conversation_id)
    newest = await Message.filter(conversation_id=conversation.id).order_by("-id").first()
    if newest is not None:
        await advance_read(conversation.id, principal.user_id, newest.id)
    return conversation
