"""The floor of the home-query benchmark: a hand-written Starlette + asyncpg endpoint that
answers the home query (tests/home_query.graphql) for a parent with the same bytes as
Ouderlink, in ONE SQL statement (a prepared statement: one round trip per request).

    BENCH_FLOOR_DSN=postgres://... uvicorn bench.home_floor:app

What it checks, like Ouderlink: the bearer session (known, not revoked, not expired, active
user); only the parent's own children of the parent's organisation, within the access window
(a placement running, future or ended at most `access_window_weeks` ago, or none yet); placements
running or future; the mentor of today's placement, same organisation; the timeline newest
first by (posted_at, item id); a post names only children the parent may see; only READY
files; download URLs signed for this user and session with the project's own signing
(services.media.download_url). It answers the parent's path only (no staff or back office)
and ignores the query text: it exists to show the cost of the data, not of GraphQL.
"""

from __future__ import annotations

import os
import sys
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from schema.ids import to_global_id
from schema.relay import encode_cursor
from services.auth import hash_token
from services.media import download_url
from services.placements import schedule_of

PAGE = 20
CHILDREN = 10
WEEKDAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"]

SQL = f"""
WITH me AS (
    SELECT s.id AS session_id, u.id AS user_id, u.organisation_id, u.role,
           u.first_name, u.last_name, o.access_window_weeks,
           (now() AT TIME ZONE o.timezone)::date AS today
    FROM session s
    JOIN app_user u ON u.id = s.user_id
    JOIN organisation o ON o.id = u.organisation_id
    WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now() AND u.is_active
),
visible AS (
    SELECT c.id, c.first_name, c.last_name
    FROM me
    JOIN guardianship g ON g.user_id = me.user_id AND me.role = 'parent'
    JOIN child c ON c.id = g.child_id AND c.organisation_id = me.organisation_id
    WHERE EXISTS (
            SELECT 1 FROM placement p WHERE p.child_id = c.id
            AND (p.end_date IS NULL OR p.end_date >= me.today - 7 * me.access_window_weeks))
       OR NOT EXISTS (SELECT 1 FROM placement p WHERE p.child_id = c.id)
),
page AS (SELECT * FROM visible ORDER BY last_name, first_name, id LIMIT {CHILDREN})
SELECT me.session_id, me.user_id, me.first_name, me.last_name, (
    SELECT json_agg(json_build_object(
        'id', k.id,
        'first_name', k.first_name,
        'placements', (
            SELECT json_agg(json_build_object(
                'care_type', p.care_type, 'start', p.start_date, 'end', p.end_date,
                'schedule', p.schedule, 'group', gr.name, 'group_care_type', gr.care_type,
                'location', l.name, 'phone', l.phone) ORDER BY p.start_date, p.id)
            FROM placement p
            JOIN childgroup gr ON gr.id = p.group_id
            JOIN location l ON l.id = gr.location_id
            WHERE p.child_id = k.id AND (p.end_date IS NULL OR p.end_date >= me.today)),
        'mentor', (
            SELECT json_build_object(
                'first_name', u.first_name, 'last_name', u.last_name, 'photo', ph.id,
                'thumbnail', ph.thumbnail_key IS NOT NULL)
            FROM (
                SELECT p.mentor_id FROM placement p
                WHERE p.child_id = k.id AND p.mentor_id IS NOT NULL AND p.start_date <= me.today
                  AND (p.end_date IS NULL OR p.end_date >= me.today)
                ORDER BY p.start_date DESC, p.id DESC LIMIT 1) cur
            JOIN app_user u ON u.id = cur.mentor_id AND u.organisation_id = me.organisation_id
            LEFT JOIN media_file ph ON ph.id = u.photo_id AND ph.status = 'ready'),
        'timeline', (
            SELECT json_agg(json_build_object(
                'item_id', t.item_id, 'at', t.posted_at, 'kind', i.kind,
                'posted_at', i.posted_at, 'caption', i.caption, 'group', ig.name,
                'author', CASE WHEN a.id IS NOT NULL THEN json_build_object(
                    'first_name', a.first_name, 'last_name', a.last_name, 'photo', ap.id,
                    'thumbnail', ap.thumbnail_key IS NOT NULL) END,
                'children', (
                    SELECT json_agg(v.first_name ORDER BY v.id)
                    FROM timeline_item_child tc JOIN visible v ON v.id = tc.child_id
                    WHERE tc.item_id = t.item_id),
                'media', (
                    SELECT json_agg(json_build_object(
                        'id', m.id, 'kind', m.kind, 'width', m.width, 'height', m.height,
                        'thumbnail', m.thumbnail_key IS NOT NULL) ORDER BY tm.position, tm.id)
                    FROM timeline_media tm JOIN media_file m ON m.id = tm.media_id
                    WHERE tm.item_id = t.item_id AND m.status = 'ready')
                ) ORDER BY t.posted_at DESC, t.item_id DESC)
            FROM (
                SELECT l.item_id, l.posted_at FROM timeline_item_child l
                WHERE l.child_id = k.id
                ORDER BY l.posted_at DESC, l.item_id DESC LIMIT {PAGE + 1}) t
            LEFT JOIN timeline_item i ON i.id = t.item_id
            LEFT JOIN childgroup ig ON ig.id = i.group_id
            LEFT JOIN app_user a ON a.id = i.author_id
            LEFT JOIN media_file ap ON ap.id = a.photo_id AND ap.status = 'ready')
    ) ORDER BY k.last_name, k.first_name, k.id)
    FROM page k
) AS children
FROM me
"""


def _iso(value: str) -> str:
    """PostgreSQL's JSON timestamp, written as Python (and so Strawberry) writes it."""
    return datetime.fromisoformat(value).isoformat()


def _photo(photo_id: int | None, thumbnail: bool, user_id: int, session_id: int) -> dict | None:
    if photo_id is None:
        return None
    if not thumbnail:
        return {"thumbnailUrl": None}
    media = SimpleNamespace(id=photo_id, thumbnail_key="t")
    url = download_url(media, user_id=user_id, session_id=session_id, variant="thumbnail")  # type: ignore[arg-type]
    return {"thumbnailUrl": url}


def _staff(row: dict | None, user_id: int, session_id: int) -> dict | None:
    if row is None:
        return None
    name = f"{row['first_name']} {row['last_name']}".strip()
    return {"name": name, "photo": _photo(row["photo"], row["thumbnail"], user_id, session_id)}


def _media(row: dict, user_id: int, session_id: int) -> dict:
    media = SimpleNamespace(id=row["id"], thumbnail_key="t" if row["thumbnail"] else None)
    sign = {"user_id": user_id, "session_id": session_id}
    return {
        "kind": row["kind"].upper(),
        "width": row["width"],
        "height": row["height"],
        "url": download_url(media, **sign),  # type: ignore[arg-type]
        "thumbnailUrl": download_url(media, variant="thumbnail", **sign)
        if row["thumbnail"]
        else None,  # type: ignore[arg-type]
        "downloadUrl": download_url(media, disposition="attachment", **sign),  # type: ignore[arg-type]
    }


def _cursor(item: dict) -> str:
    return encode_cursor(f"{_iso(item['at'])}|{item['item_id']}")


def _node(item: dict, user_id: int, session_id: int) -> dict | None:
    if item["kind"] == "diary":
        return {"__typename": "DiaryEntry"}
    if item["kind"] != "photo_post":
        return None
    return {
        "__typename": "PhotoPost",
        "id": to_global_id("PhotoPost", item["item_id"]),
        "caption": item["caption"],
        "postedAt": _iso(item["posted_at"]),
        "author": _staff(item["author"], user_id, session_id),
        "group": {"name": item["group"]},
        "children": [{"firstName": name} for name in item["children"] or []],
        "media": [_media(m, user_id, session_id) for m in item["media"] or []],
    }


def _placement(p: dict) -> dict:
    days = schedule_of(SimpleNamespace(schedule=p["schedule"]))  # type: ignore[arg-type]
    return {
        "careType": p["care_type"].upper(),
        "startDate": p["start"],
        "endDate": p["end"],
        "weeklySchedule": [
            {
                "weekday": WEEKDAYS[d.weekday],
                "start": d.start.isoformat(),
                "end": d.end.isoformat(),
            }
            for d in days
        ],
        "group": {
            "name": p["group"],
            "careType": p["group_care_type"].upper(),
            "location": {"name": p["location"], "phone": p["phone"]},
        },
    }


def _child(child: dict, user_id: int, session_id: int) -> dict:
    items = child["timeline"] or []
    shown = items[:PAGE]
    edges = []
    for item in shown:
        node = _node(item, user_id, session_id)
        if node is not None:
            edges.append({"cursor": _cursor(item), "node": node})
    return {
        "id": to_global_id("Child", child["id"]),
        "firstName": child["first_name"],
        "placements": [_placement(p) for p in child["placements"] or []],
        "mentor": _staff(child["mentor"], user_id, session_id),
        "timeline": {
            "pageInfo": {
                "hasNextPage": len(items) > PAGE,
                "endCursor": _cursor(shown[-1]) if shown else None,
            },
            "edges": edges,
        },
    }


def _unauthenticated() -> Response:
    body = {
        "data": None,
        "errors": [{"message": "Not logged in", "extensions": {"code": "UNAUTHENTICATED"}}],
    }
    return Response(orjson.dumps(body), media_type="application/json")


async def home(request: Request) -> Response:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    await request.body()  # the query itself is not parsed: this endpoint answers one query
    if scheme.lower() != "bearer" or not token.strip():
        return _unauthenticated()
    async with request.app.state.pool.acquire() as conn:
        row = await conn.fetchrow(SQL, hash_token(token.strip()))
    if row is None:
        return _unauthenticated()
    user_id, session_id = row["user_id"], row["session_id"]
    children = orjson.loads(row["children"]) if row["children"] else []
    viewer = {
        "user": {"name": f"{row['first_name']} {row['last_name']}"},
        "children": {"edges": [{"node": _child(c, user_id, session_id)} for c in children]},
    }
    # As Ouderlink's answers (schema.app: orjson, UTF-8 as it is).
    body = orjson.dumps({"data": {"viewer": viewer}})
    return Response(body, media_type="application/json")


async def _no_reset(conn: asyncpg.Connection) -> None:
    """asyncpg resets a connection on release (one more round trip); the floor leaves no
    state behind (no transactions, settings or listeners), so it skips that."""


@asynccontextmanager
async def lifespan(app: Starlette):
    app.state.pool = await asyncpg.create_pool(
        os.environ["BENCH_FLOOR_DSN"],
        min_size=1,
        max_size=int(os.environ.get("BENCH_POOL", "10")),
        server_settings={"timezone": "UTC"},
        reset=_no_reset,
    )
    try:
        yield
    finally:
        await app.state.pool.close()


app = Starlette(routes=[Route("/graphql", home, methods=["POST"])], lifespan=lifespan)
