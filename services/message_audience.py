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

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from models import Conversation, MediaFile, Message, Organisation, User
from services import clock
from services.principal import Principal
from services.sql_rows import Statement, instances, moment


class MessageAudience:
    """A message with what its readers need, and who may read it (as of when it was made).

    Built from the rows of one statement; the Tortoise models (`message` with its
    conversation and author, as select_related leaves them) are made only when asked for:
    the live feed reads every message of a batch, and a projected delivery needs only a few
    columns (`message_id`, `body`, `sent_at`, ...)."""

    __slots__ = (
        "_author_row",
        "_conversation_row",
        "_message",
        "_row",
        "attachments",
        "organisation_id",
        "parent_ids",
        "staff_ids",
    )

    def __init__(
        self,
        row: dict[str, Any],
        conversation_row: dict[str, Any],
        author_row: dict[str, Any] | None,
        attachments: list[MediaFile],
        parent_ids: frozenset[int],
        staff_ids: frozenset[int],
    ) -> None:
        self._row = row
        self._conversation_row = conversation_row
        self._author_row = author_row
        self._message: Message | None = None
        self.attachments = attachments
        self.organisation_id: int = conversation_row["organisation_id"]
        self.parent_ids = parent_ids
        self.staff_ids = staff_ids

    @property
    def message_id(self) -> int:
        return self._row["id"]  # type: ignore[no-any-return]

    @property
    def conversation_id(self) -> int:
        return self._row["conversation_id"]  # type: ignore[no-any-return]

    @property
    def author_id(self) -> int | None:
        return self._row["author_id"]

    @property
    def body(self) -> str:
        return self._row["body"]  # type: ignore[no-any-return]

    @property
    def sent_at(self) -> datetime:
        return moment(self._row["sent_at"])  # type: ignore[no-any-return]

    @property
    def message(self) -> Message:
        """The message model, with its conversation and author loaded."""
        if self._message is None:
            (message,) = instances(Message, [self._row])
            (conversation,) = instances(Conversation, [self._conversation_row])
            author = instances(User, [self._author_row])[0] if self._author_row else None
            object.__setattr__(message, "_conversation", conversation)
            object.__setattr__(message, "_author", author)
            self._message = message
        return self._message

    @property
    def author(self) -> User | None:
        return self.message.author  # type: ignore[no-any-return]

    @property
    def conversation(self) -> Conversation:
        return self.message.conversation  # type: ignore[no-any-return]

    def allows(self, principal: Principal) -> bool:
        if principal.organisation_id != self.organisation_id:
            return False
        if principal.is_parent:
            return principal.user_id in self.parent_ids
        if principal.is_staff:
            return principal.user_id in self.staff_ids
        return False


def _in_window(placement: _Span, cutoff: date) -> bool:
    return placement.end_date is None or placement.end_date >= cutoff


def _works_on(assignment: _Span, day: date) -> bool:
    return assignment.start_date <= day and (
        assignment.end_date is None or assignment.end_date >= day
    )


class _Staffing:
    """Who works in which group today (the UTC day and the organisation's day), from the
    assignments, so that each message's staff is a few set operations."""

    def __init__(self, assignments: Sequence[_Span], today: date) -> None:
        utc_today = clock.today()
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


_AUDIENCE_SQL: dict[bool, str] = {}


def _audience_sql(sql: Statement) -> str:
    """One statement for everything `message_audiences` needs (its text is the same for any
    number of messages: the ids are one parameter). The messages and their conversations
    are read once (WITH clauses) and the rest is found from them by index."""
    known = _AUDIENCE_SQL.get(sql.postgres)
    if known is not None:
        return known
    ids = sql.in_ids("t.id", "ids")
    text = (
        f"WITH msg AS (SELECT t.* FROM message t WHERE {ids} AND t.conversation_id IN"
        " (SELECT c.id FROM conversation c WHERE c.organisation_id = :org)),"
        " conv AS (SELECT t.* FROM conversation t WHERE t.id IN"
        " (SELECT conversation_id FROM msg)),"
        " kids AS (SELECT DISTINCT child_id FROM conv) "
        "SELECT "
        + sql.rows(Message, "1 = 1", "t.id", source="msg")
        + " AS messages, "
        + sql.rows(Conversation, "1 = 1", source="conv")
        + " AS conversations, "
        + sql.rows(User, "t.id IN (SELECT author_id FROM msg)")
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
        + sql.rows(
            MediaFile,
            "t.id IN (SELECT ma.media_id FROM message_attachment ma"
            " WHERE ma.message_id IN (SELECT id FROM msg))",
        )
        + " AS media, "
        + sql.tuples(
            "SELECT ma.id, ma.message_id, ma.media_id FROM message_attachment ma"
            " WHERE ma.message_id IN (SELECT id FROM msg)",
            ["id", "message_id", "media_id"],
            "id",
        )
        + " AS links"
    )
    _AUDIENCE_SQL[sql.postgres] = text
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
    organisation_id: int, message_ids: Sequence[int]
) -> dict[int, MessageAudience]:
    """`message_audience` for many messages at once: one statement however many there are
    (the live feed asks for every message of a batch); messages not in the organisation are
    left out."""
    if not message_ids:
        return {}
    sql = Statement()
    row = await sql.fetch_row(
        _audience_sql(sql), {"ids": sorted(set(message_ids)), "org": organisation_id}
    )
    assert row is not None
    messages: list[dict[str, Any]] = row["messages"]
    if not messages:
        return {}
    (organisation,) = instances(Organisation, row["organisations"])
    conversations_by_id = {c["id"]: c for c in row["conversations"]}
    authors = {u["id"]: u for u in row["authors"]}
    media = {f.id: f for f in instances(MediaFile, row["media"])}
    files: dict[int, list[MediaFile]] = {m["id"]: [] for m in messages}
    for _, message_id, media_id in row["links"]:
        if message_id in files and media_id in media:
            files[message_id].append(media[media_id])
    today = clock.today(organisation.timezone)
    cutoff = today - timedelta(weeks=organisation.access_window_weeks)
    horizon = today + timedelta(weeks=8)
    child_ids = {c["child_id"] for c in conversations_by_id.values()}
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
    staffing = _Staffing(_spans(row["assignments"]), today)
    parents_of: dict[int, frozenset[int]] = {}
    found: dict[int, MessageAudience] = {}
    for message in messages:
        conversation = conversations_by_id[message["conversation_id"]]
        child_id = conversation["child_id"]
        parents = parents_of.get(child_id)
        if parents is None:
            own = placements[child_id]
            visible_to_parents = not own or any(_in_window(p, cutoff) for p in own)
            parents = parents_of[child_id] = (
                frozenset(guardians[child_id]) if visible_to_parents else frozenset()
            )
        found[message["id"]] = MessageAudience(
            message,
            conversation,
            authors.get(message["author_id"]),
            files[message["id"]],
            parents,
            staffing.staff(conversation["group_id"], groups_of_child[child_id]),
        )
    return found
