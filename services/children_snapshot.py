"""A page of children with everything the home screen shows of them, in ONE statement.

For the children of one page (ids the caller got from `services.access`): their rows, their
placements running today or later with groups, locations, mentors and mentor photos, and
the first timeline page of each child with its items, authors and their photos, groups,
the children each item is about, its media files and diary entries. The same rows the
DataLoaders would fetch table by table (services.timeline, services.placements), so the
resolvers that read them, and apply every access rule, do not change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date

from models import (
    Child,
    DiaryEntry,
    Group,
    Location,
    MediaFile,
    Placement,
    TimelineItem,
    User,
)
from services.sql_rows import Statement, instances, moment
from services.timeline import _SQLITE_UTC_KEY, Page, Position


@dataclass(frozen=True, slots=True)
class TimelineWanted:
    size: int
    after: Position | None = None


@dataclass
class Snapshot:
    children: list[Child] = field(default_factory=list)
    # Per child of the page: placements running on `today` or later (start date order).
    placements: dict[int, list[Placement]] | None = None
    groups: list[Group] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)
    users: list[User] = field(default_factory=list)
    media: list[MediaFile] = field(default_factory=list)
    # Per child of the page, when a timeline was wanted.
    pages: dict[int, Page] | None = None
    items: list[TimelineItem] = field(default_factory=list)
    diary_entries: list[DiaryEntry] = field(default_factory=list)
    # Per item on those pages: every child it is about, and its files in position order.
    item_children: dict[int, list[int]] = field(default_factory=dict)
    item_media: dict[int, list[MediaFile]] = field(default_factory=dict)


def _page_cte(q: Statement, after: Position | None, limit: int) -> str:
    """The first `limit` links of each child's timeline after `after` (services.timeline).
    On PostgreSQL the planner is told how many rows the page has: its children come from
    `ouderlink_page_ids` (migration 0008: a few) and the limit is written into the text (a
    statement per page size, capped by MAX_PAGE_SIZE; apps ask one or two). So the plan it
    can keep for the prepared statement follows the indexes, and it keeps it instead of
    planning every execution again."""
    if q.postgres:
        keyset = "AND (l.posted_at, l.item_id) < (:after_at, :after_id)" if after else ""
        return f"""page AS (
            SELECT x.id, x.item_id FROM ouderlink_page_ids(:ids::int[]) AS c(child_id)
            CROSS JOIN LATERAL (
                SELECT l.id, l.item_id FROM timeline_item_child l
                WHERE l.child_id = c.child_id {keyset}
                ORDER BY l.posted_at DESC, l.item_id DESC LIMIT {int(limit)}
            ) x)"""
    keyset = "WHERE (utc < :after_at OR (utc = :after_at AND item_id < :after_id))" if after else ""
    return f"""page AS (
        SELECT id, item_id FROM (
            SELECT id, item_id, ROW_NUMBER() OVER (
                PARTITION BY child_id ORDER BY utc DESC, item_id DESC
            ) AS rn FROM (
                SELECT id, child_id, item_id, {_SQLITE_UTC_KEY} AS utc
                FROM timeline_item_child WHERE {q.in_ids("child_id", "ids")}
            ) {keyset}
        ) WHERE rn <= :limit)"""


def _each_id(q: Statement, param: str) -> str:
    """The ids of list parameter `param` as rows."""
    if q.postgres:
        return f"SELECT unnest(:{param}::int[])"
    return f"SELECT value FROM json_each(:{param})"


def _running(q: Statement, alias: str) -> str:
    """Placements of the page's children running on :today or later (services.placements)."""
    return (
        f"{q.in_ids(f'{alias}.child_id', 'ids')} "
        f"AND ({alias}.end_date IS NULL OR {alias}.end_date >= :today)"
    )


_POSITION = ["child_id", "posted_at", "item_id"]


def _sql(q: Statement, placements: bool, timeline: TimelineWanted | None) -> str:
    def rows(model: type, where: str, order_by: str = "") -> str:
        return q.rows(model, where, order_by, compact=True)  # arrays: read by `instances`

    items = "SELECT item_id FROM page"
    # Id sets as CTEs of UNIONs (one semi-join each: an OR of two IN lists would scan).
    nothing = "SELECT CAST(NULL AS INTEGER)"
    people, group_ids, file_ids, ctes = [nothing], [nothing], [nothing], []
    child_ids = [_each_id(q, "ids")]
    parts: list[str] = []
    if timeline:
        ctes.append(_page_cte(q, timeline.after, timeline.size + 1))
        people.append(f"SELECT author_id FROM timeline_item WHERE id IN ({items})")
        group_ids.append(f"SELECT group_id FROM timeline_item WHERE id IN ({items})")
        # The children the items are about, those the viewer may see (PhotoPost.children).
        child_ids.append(
            f"SELECT child_id FROM timeline_item_child WHERE item_id IN ({items}) "
            f"AND {q.in_ids('child_id', 'visible')}"
        )
        file_ids.append(f"SELECT media_id FROM timeline_media WHERE item_id IN ({items})")
        # The link tables as [columns] only (no model instances: only their ids are read).
        links = "SELECT child_id, posted_at, item_id FROM timeline_item_child"
        about = f"SELECT item_id, child_id FROM timeline_item_child WHERE item_id IN ({items})"
        files = (
            f"SELECT item_id, media_id, position, id FROM timeline_media WHERE item_id IN ({items})"
        )
        parts += [
            f"{q.tuples(f'{links} WHERE id IN (SELECT id FROM page)', _POSITION, 'item_id')}"
            " AS positions",
            f"{rows(TimelineItem, f't.id IN ({items})')} AS items",
            f"{q.tuples(about, ['item_id', 'child_id'], 'item_id, child_id')} AS item_children",
            f"{q.tuples(files, ['item_id', 'media_id'], 'item_id, position, id')} AS item_media",
            f"{rows(DiaryEntry, f't.id IN (SELECT diary_entry_id FROM timeline_item WHERE id IN ({items}))')}"  # noqa: E501
            " AS diary_entries",
        ]
    if placements:
        people.append(f"SELECT mentor_id FROM placement p WHERE {_running(q, 'p')}")
        group_ids.append(f"SELECT group_id FROM placement p WHERE {_running(q, 'p')}")
        parts.append(f"{rows(Placement, _running(q, 't'), 't.start_date, t.id')} AS placements")
    file_ids.append("SELECT photo_id FROM app_user WHERE id IN (SELECT * FROM people)")
    ctes.append(f"people AS ({' UNION '.join(people)})")
    ctes.append(f"group_ids AS ({' UNION '.join(group_ids)})")
    ctes.append(f"child_ids AS ({' UNION '.join(child_ids)})")
    ctes.append(f"file_ids AS ({' UNION '.join(file_ids)})")
    parts += [
        f"{rows(Child, 't.id IN (SELECT * FROM child_ids)')} AS children",
        f"{rows(User, 't.id IN (SELECT * FROM people)')} AS users",
        f"{rows(MediaFile, 't.id IN (SELECT * FROM file_ids)')} AS media",
        f"{rows(Group, 't.id IN (SELECT * FROM group_ids)')} AS groups",
        f"{rows(Location, 't.id IN (SELECT location_id FROM childgroup WHERE id IN (SELECT * FROM group_ids))')}"  # noqa: E501
        " AS locations",
    ]
    return f"WITH {', '.join(ctes)} SELECT {', '.join(parts)}"


async def load(
    child_ids: Sequence[int],
    visible_ids: Sequence[int],
    *,
    today: date,
    placements: bool,
    timeline: TimelineWanted | None,
) -> Snapshot:
    """The children `child_ids` (already authorised) with what is asked of them. Children
    that items are about are included when they are in `visible_ids` too."""
    q = Statement()
    params: dict[str, object] = {"ids": list(child_ids), "visible": list(visible_ids)}
    if placements:
        params["today"] = today
    if timeline:
        if not q.postgres:  # (PostgreSQL's is in the text)
            params["limit"] = timeline.size + 1
        if timeline.after:
            moment = timeline.after.posted_at.astimezone(UTC)
            params["after_at"] = moment if q.postgres else moment.strftime("%Y-%m-%d %H:%M:%S.%f")
            params["after_id"] = timeline.after.item_id
    row = await q.fetch_row(_sql(q, placements, timeline), params)
    assert row is not None  # a SELECT without FROM always has its one row
    snapshot = Snapshot(
        children=instances(Child, row["children"]),
        groups=instances(Group, row["groups"]),
        locations=instances(Location, row["locations"]),
        users=instances(User, row["users"]),
        media=instances(MediaFile, row["media"]),
    )
    if placements:
        snapshot.placements = {c: [] for c in child_ids}
        for placement in instances(Placement, row["placements"]):
            snapshot.placements[placement.child_id].append(placement)  # type: ignore[attr-defined]
    if timeline:
        _timeline(snapshot, row, child_ids, timeline.size)
    return snapshot


def _timeline(snapshot: Snapshot, row: dict, child_ids: Sequence[int], size: int) -> None:
    found: dict[int, list[Position]] = defaultdict(list)
    for child_id, posted_at, item_id in row["positions"]:
        found[child_id].append(Position(moment(posted_at), item_id))
    snapshot.pages = {}
    for child_id in child_ids:
        positions = sorted(found.get(child_id, []), reverse=True)
        snapshot.pages[child_id] = Page(positions[:size], len(positions) > size)
    snapshot.items = instances(TimelineItem, row["items"])
    snapshot.diary_entries = instances(DiaryEntry, row["diary_entries"])
    about: dict[int, list[int]] = defaultdict(list)
    for item_id, child_id in row["item_children"]:  # in child id order
        about[item_id].append(child_id)
    snapshot.item_children = {i.id: about.get(i.id, []) for i in snapshot.items}
    files = {m.id: m for m in snapshot.media}
    media: dict[int, list[MediaFile]] = defaultdict(list)
    for item_id, media_id in row["item_media"]:  # in position order
        media[item_id].append(files[media_id])
    snapshot.item_media = {i.id: media.get(i.id, []) for i in snapshot.items}
