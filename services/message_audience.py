"""Who may receive a message right now, computed once per message instead of once per reader.

Live delivery hands one message to many connections. Asking `conversations.scope_for` for
every reader costs several queries each; here the participants of the message's
conversation are derived once, from the same rules (`services.access`,
`services.conversations`), and each reader is then a set lookup:

- parents: the child's guardians, while the child is visible to parents (a placement in the
  access window, or no placement at all yet);
- staff: those working in the conversation's group today who also see the child (a placement
  in the window, starting within eight weeks, in a group they work in today where the
  organisation is).

`tests/services/test_message_audience.py` checks it against `visible_message` for every kind
of principal, so the two never drift apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from models import Conversation, MediaFile, Message, Organisation, Role, User
from services import clock
from services.principal import Principal
from services.sql_rows import Statement, columns, instances, moment, utc_iso_text


class NotLoaded(LookupError):
    """A part of the message that `message_audiences` was asked not to read."""


# `MessageAudience`'s author row or attachments when they were not read.
_NOT_READ: Any = object()


class MessageAudience:
    """A message with what its readers need, and who may read it (as of when it was made).

    Built from the rows of one statement (compact: arrays of the models' columns); the
    Tortoise models (`message` with its conversation and author, as select_related leaves
    them) are made only when asked for: the live feed reads every message of a batch, and a
    projected delivery needs only a few columns (`message_id`, `body`, `sent_at`, ...). The
    author and the attachments may not have been read (`message_audiences(authors=False,
    attachments=False)`): asking for them then raises `NotLoaded`."""

    __slots__ = (
        "_attachments",
        "_author_row",
        "_conversation_row",
        "_message",
        "_row",
        "organisation_id",
        "parent_ids",
        "staff_ids",
    )

    def __init__(
        self,
        row: list[Any],
        conversation_row: dict[str, Any],
        author_row: list[Any] | None,
        attachments: list[MediaFile],
        parent_ids: frozenset[int],
        staff_ids: frozenset[int],
    ) -> None:
        self._row = row
        self._conversation_row = conversation_row
        self._author_row = author_row
        self._message: Message | None = None
        self._attachments = attachments
        self.organisation_id: int = conversation_row["organisation_id"]
        self.parent_ids = parent_ids
        self.staff_ids = staff_ids

    @property
    def message_id(self) -> int:
        return self._row[_M_ID]  # type: ignore[no-any-return]

    @property
    def conversation_id(self) -> int:
        return self._row[_M_CONVERSATION]  # type: ignore[no-any-return]

    @property
    def author_id(self) -> int | None:
        return self._row[_M_AUTHOR]  # type: ignore[no-any-return]

    @property
    def body(self) -> str:
        return self._row[_M_BODY]  # type: ignore[no-any-return]

    @property
    def sent_at(self) -> datetime:
        return moment(self._row[_M_SENT_AT])  # type: ignore[no-any-return]

    @property
    def sent_at_text(self) -> str | None:
        """`sent_at.isoformat()`, when the row holds it as PostgreSQL writes it in UTC (read
        without parsing: `sql_rows.utc_iso_text`); None otherwise."""
        return utc_iso_text(self._row[_M_SENT_AT])

    @property
    def message(self) -> Message:
        """The message model, with its conversation and (when read) its author loaded."""
        if self._message is None:
            (message,) = instances(Message, [self._row])
            (conversation,) = instances(Conversation, [self._conversation_row])
            object.__setattr__(message, "_conversation", conversation)
            if self._author_row is not _NOT_READ:
                author = instances(User, [self._author_row])[0] if self._author_row else None
                object.__setattr__(message, "_author", author)
            self._message = message
        return self._message

    @property
    def author(self) -> User | None:
        if self._author_row is _NOT_READ:
            raise NotLoaded(f"the author of message {self.message_id} was not read")
        return self.message.author  # type: ignore[no-any-return]

    @property
    def attachments(self) -> list[MediaFile]:
        if self._attachments is _NOT_READ:
            raise NotLoaded(f"the attachments of message {self.message_id} were not read")
        return self._attachments  # type: ignore[no-any-return]

    @property
    def conversation(self) -> Conversation:
        return self.message.conversation  # type: ignore[no-any-return]

    def allows(self, principal: Principal) -> bool:
        if principal.organisation_id != self.organisation_id:
            return False
        role = principal.role  # (`is_parent` and `is_staff` without a call each: per delivery)
        if role is Role.PARENT:
            return principal.user_id in self.parent_ids
        if role is Role.STAFF:
            return principal.user_id in self.staff_ids
        return False


# Where a compact row holds these columns (`_find_columns`: known once Tortoise is set up).
_M_ID = _M_CONVERSATION = _M_AUTHOR = _M_BODY = _M_SENT_AT = _U_ID = -1


def _find_columns() -> None:
    global _M_ID, _M_CONVERSATION, _M_AUTHOR, _M_BODY, _M_SENT_AT, _U_ID
    found = columns(Message)
    _M_ID, _M_CONVERSATION, _M_AUTHOR, _M_BODY, _M_SENT_AT = (
        found.index(c) for c in ("id", "conversation_id", "author_id", "body", "sent_at")
    )
    _U_ID = columns(User).index("id")


class _Readers(NamedTuple):
    """Who may read a conversation's messages, with the conversation's row."""

    conversation: dict[str, Any]
    parent_ids: frozenset[int]
    staff_ids: frozenset[int]


class KeptReaders:
    """Readers per conversation kept between calls of `message_audiences` (one per live feed:
    per organisation and process), valid while the organisation's access epoch
    (`models.AccessEpoch`, moved by triggers on every write that could change a reader),
    its days (the organisation's and UTC) and its time zone stay what they were when the
    readers were found. The statement reads the epoch together with the messages, in one
    snapshot, and finds readers again only for conversations not kept or when it moved."""

    __slots__ = ("_by_conversation", "days", "epoch", "found", "timezone")

    # Conversations kept per organisation (~1 KB each with its row): past it, all are dropped
    # and found again as their messages come.
    _MAX = 10_000

    def __init__(self) -> None:
        self._by_conversation: dict[int, _Readers] = {}
        self.epoch: int | None = None
        self.timezone = ""
        self.days: tuple[date, date] | None = None
        self.found = 0  # conversations whose readers were found (not reused) so far

    def known(self, among: Iterable[int] | None = None) -> dict[int, _Readers]:
        """The readers kept (of the conversations `among`, when given), still valid as far
        as days go: a copy, valid for `epoch` as it stands now (a batch loading meanwhile
        may replace what is kept)."""
        if self.days is not None and self.days != _days(self.timezone):
            self.forget()
        kept = self._by_conversation
        return dict(kept) if among is None else {c: kept[c] for c in set(among) if c in kept}

    def forget(self) -> None:
        self._by_conversation.clear()
        self.epoch = None
        self.days = None

    def keep(
        self, epoch: int, timezone: str, days: tuple[date, date], found: dict[int, _Readers]
    ) -> None:
        if epoch != self.epoch or days != self.days or timezone != self.timezone:
            self._by_conversation.clear()
        if len(self._by_conversation) + len(found) > self._MAX:
            self._by_conversation.clear()
        self.epoch, self.timezone, self.days = epoch, timezone, days
        self._by_conversation.update(found)
        self.found += len(found)


def _days(timezone: str) -> tuple[date, date]:
    return clock.today(timezone), clock.today()


def _in_window(placement: _Span, cutoff: date) -> bool:
    return placement.end_date is None or placement.end_date >= cutoff


def _works_on(assignment: _Span, day: date) -> bool:
    return assignment.start_date <= day and (
        assignment.end_date is None or assignment.end_date >= day
    )


class _Staffing:
    """Who works in which group today (the UTC day and the organisation's day), from the
    assignments, so that each message's staff is a few set operations."""

    def __init__(self, assignments: Sequence[_Span], days: tuple[date, date]) -> None:
        today, utc_today = days
        self.by_group_utc: dict[int, set[int]] = {}
        self.by_group: dict[int, set[int]] = {}
        for a in assignments:
            if _works_on(a, utc_today):
                self.by_group_utc.setdefault(a.group_id, set()).add(a.who)
            if _works_on(a, today):
                self.by_group.setdefault(a.group_id, set()).add(a.who)
        self._known: dict[tuple[int, frozenset[int]], frozenset[int]] = {}

    def staff(self, group_id: int, child_groups: frozenset[int]) -> frozenset[int]:
        """Staff in the conversation's group today (UTC day, like `access.staff_group_ids`)
        who also work today (the organisation's day) in a group where the child is placed."""
        key = (group_id, child_groups)
        found = self._known.get(key)
        if found is None:
            see_child: set[int] = set()
            for group in child_groups:
                see_child |= self.by_group.get(group, set())
            found = self._known[key] = frozenset(self.by_group_utc.get(group_id, set()) & see_child)
        return found


async def message_audience(organisation_id: int, message_id: int) -> MessageAudience | None:
    """The message (with its conversation and author) and its current readers; None when it
    does not exist in the organisation."""
    return (await message_audiences(organisation_id, [message_id])).get(message_id)


_AUDIENCE_SQL: dict[tuple[bool, bool, bool], str] = {}
_NONE = "'[]'"  # a part not read: an empty JSON array


def _audience_sql(sql: Statement, authors: bool = True, attachments: bool = True) -> str:
    """One statement for everything `message_audiences` needs (its text is the same for any
    number of messages: the ids are one parameter). The messages and their conversations
    are read once (WITH clauses) and the rest is found from them by index; readers only for
    the conversations not in `:known`, or for all when the access epoch is not `:epoch`;
    the authors' rows and the attachments only when asked for."""
    key = (sql.postgres, authors, attachments)
    found = _AUDIENCE_SQL.get(key)
    if found is not None:
        return found
    text = (
        "WITH msg AS (SELECT t.* FROM message t WHERE "
        + sql.in_rows_of("t.id", sql.ids_of("ids"))
        + " AND EXISTS (SELECT 1 FROM conversation c WHERE c.id = t.conversation_id"
        " AND c.organisation_id = :org)),"
        " epoch AS (SELECT COALESCE((SELECT e.n FROM access_epoch e"
        " WHERE e.organisation_id = :org), 0) AS n),"
        # Only the conversations whose readers are not known (all when the epoch moved).
        " conv AS (SELECT t.* FROM conversation t WHERE "
        + sql.in_rows_of(
            "t.id",
            "SELECT DISTINCT m.conversation_id FROM msg m WHERE (SELECT n FROM epoch) <> :epoch"
            f" OR m.conversation_id NOT IN ({sql.ids_of('known')})",
        )
        + "), kids AS (SELECT DISTINCT child_id FROM conv) "
        "SELECT (SELECT n FROM epoch) AS epoch, "
        + sql.rows(Message, "1 = 1", "t.id", source="msg", compact=True)
        + " AS messages, "
        + sql.rows(Conversation, "1 = 1", source="conv")
        + " AS conversations, "
        + (
            sql.rows(
                User, sql.in_rows_of("t.id", "SELECT DISTINCT author_id FROM msg"), compact=True
            )
            if authors
            else _NONE
        )
        + " AS authors, "
        + sql.rows(Organisation, "t.id = :org")
        + " AS organisations, "
        + sql.tuples(
            "SELECT p.child_id, p.group_id, p.start_date, p.end_date FROM placement p"
            " WHERE p.child_id IN (SELECT child_id FROM kids)",
            ["child_id", "group_id", "start_date", "end_date"],
            "child_id, start_date, group_id",
        )
        + " AS placements, "
        + sql.tuples(
            "SELECT g.child_id, g.user_id FROM guardianship g WHERE g.child_id IN"
            " (SELECT child_id FROM kids) AND EXISTS (SELECT 1 FROM child ch"
            " WHERE ch.id = g.child_id AND ch.organisation_id = :org)",
            ["child_id", "user_id"],
            "child_id, user_id",
        )
        + " AS guardians, "
        # Staff of the conversations' groups, and of every group where the children are
        # placed (whether they work there today is sorted out below).
        + sql.tuples(
            "SELECT a.user_id, a.group_id, a.start_date, a.end_date FROM staff_assignment a"
            " JOIN childgroup gr ON gr.id = a.group_id WHERE gr.organisation_id = :org"
            " AND (a.group_id IN (SELECT group_id FROM conv) OR a.group_id IN"
            " (SELECT p.group_id FROM placement p WHERE p.child_id IN"
            " (SELECT child_id FROM kids)))",
            ["user_id", "group_id", "start_date", "end_date"],
            "user_id, group_id, start_date",
        )
        + " AS assignments, "
        + (
            sql.rows(
                MediaFile,
                "t.id IN (SELECT ma.media_id FROM message_attachment ma"
                " WHERE ma.message_id IN (SELECT id FROM msg))",
            )
            if attachments
            else _NONE
        )
        + " AS media, "
        + (
            sql.tuples(
                "SELECT ma.id, ma.message_id, ma.media_id FROM message_attachment ma"
                " WHERE ma.message_id IN (SELECT id FROM msg)",
                ["id", "message_id", "media_id"],
                "id",
            )
            if attachments
            else _NONE
        )
        + " AS links"
    )
    _AUDIENCE_SQL[key] = text
    return text


class _Span(NamedTuple):
    """A placement or a staff assignment: who or what, where, from when to when."""

    who: int
    group_id: int
    start_date: date
    end_date: date | None


def _spans(rows: list[list[Any]]) -> list[_Span]:
    return [
        _Span(who, group, _day(start), _day(end) if end is not None else None)
        for who, group, start, end in rows
    ]


def _day(value: Any) -> date:
    return date.fromisoformat(value[:10]) if isinstance(value, str) else value


async def message_audiences(
    organisation_id: int,
    message_ids: Sequence[int],
    kept: KeptReaders | None = None,
    conversation_ids: Iterable[int] | None = None,
    *,
    authors: bool = True,
    attachments: bool = True,
) -> dict[int, MessageAudience]:
    """`message_audience` for many messages at once: one statement however many there are
    (the live feed asks for every message of a batch); messages not in the organisation are
    left out. With `kept`, readers found are kept there and those still valid reused;
    `conversation_ids`, the messages' conversations as far as the caller knows them (event
    payloads), limits what is looked up among the kept (a message of another conversation
    has its readers found afresh). Without `authors` or `attachments`, those are not read
    (a live delivery whose selection shows neither: the statement's costliest parts after
    the messages themselves); asking a `MessageAudience` for them raises `NotLoaded`."""
    if not message_ids:
        return {}
    if _U_ID < 0:
        _find_columns()
    kept = kept if kept is not None else KeptReaders()
    known = kept.known(conversation_ids)
    epoch = kept.epoch if known and kept.epoch is not None else -1  # (with `known`: no await)
    sql = Statement()
    row = await sql.fetch_row(
        _audience_sql(sql, authors, attachments),
        {
            "ids": sorted(set(message_ids)),
            "org": organisation_id,
            "known": list(known),
            "epoch": epoch,
        },
    )
    assert row is not None
    messages: list[list[Any]] = row["messages"]
    if not messages:
        return {}
    (organisation,) = instances(Organisation, row["organisations"])
    days = _days(organisation.timezone)
    fresh = _readers(organisation, days, row)
    kept.keep(row["epoch"], organisation.timezone, days, fresh)
    by_id = {u[_U_ID]: u for u in row["authors"]}
    media = {f.id: f for f in instances(MediaFile, row["media"])}
    files: dict[int, list[MediaFile]] = {}
    for _, message_id, media_id in row["links"]:
        if media_id in media:
            files.setdefault(message_id, []).append(media[media_id])
    found: dict[int, MessageAudience] = {}
    for message in messages:
        readers = fresh.get(message[_M_CONVERSATION]) or known.get(message[_M_CONVERSATION])
        assert readers is not None  # (read afresh unless known, for the same epoch)
        found[message[_M_ID]] = MessageAudience(
            message,
            readers.conversation,
            by_id.get(message[_M_AUTHOR]) if authors else _NOT_READ,
            files.get(message[_M_ID], []) if attachments else _NOT_READ,
            readers.parent_ids,
            readers.staff_ids,
        )
    return found


def _readers(
    organisation: Organisation, days: tuple[date, date], row: dict[str, Any]
) -> dict[int, _Readers]:
    """Who may read each conversation the statement read afresh (`row["conversations"]`)."""
    conversations: list[dict[str, Any]] = row["conversations"]
    if not conversations:
        return {}
    today, _ = days
    cutoff = today - timedelta(weeks=organisation.access_window_weeks)
    horizon = today + timedelta(weeks=8)
    child_ids = {c["child_id"] for c in conversations}
    placements: dict[int, list[_Span]] = {c: [] for c in child_ids}
    for placement in _spans(row["placements"]):
        placements[placement.who].append(placement)
    guardians: dict[int, set[int]] = {c: set() for c in child_ids}
    for child_id, user_id in row["guardians"]:
        guardians[child_id].add(user_id)
    groups_of_child = {
        c: frozenset(p.group_id for p in found if _in_window(p, cutoff) and p.start_date <= horizon)
        for c, found in placements.items()
    }
    staffing = _Staffing(_spans(row["assignments"]), days)
    parents_of: dict[int, frozenset[int]] = {}
    for child_id, own in placements.items():
        visible_to_parents = not own or any(_in_window(p, cutoff) for p in own)
        parents_of[child_id] = frozenset(guardians[child_id]) if visible_to_parents else frozenset()
    return {
        c["id"]: _Readers(
            c,
            parents_of[c["child_id"]],
            staffing.staff(c["group_id"], groups_of_child[c["child_id"]]),
        )
        for c in conversations
    }
