"""Checking that the three targets of the home-query benchmark return the same data.

Ouderlink and the floor must answer with the same bytes (their signed URLs expire at
now + TTL in whole seconds, so the two are asked in the same second). All three are then
reduced to one canonical form and compared: ids as primary keys, names as Ouderlink shows
them, enums upper case, times parsed, and every URL as (file id, variant, disposition) from
its signed payload (PostGraphile cannot sign: it returns the file id and whether a thumbnail
exists, from which the same triples follow). Cursors are compared between Ouderlink and the
floor only (PostGraphile's are its own).
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from types import SimpleNamespace

from schema.ids import from_global_id
from services.placements import schedule_of

WEEKDAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"]

POSTGRAPHILE_QUERY = """{
  viewer {
    firstName lastName
    homeChildren(first: 10) {
      nodes {
        id firstName
        currentPlacements {
          nodes {
            careType startDate endDate schedule
            childgroupByGroupId { name careType locationByLocationId { name phone } }
          }
        }
        mentor { firstName lastName readyPhoto { id thumbnailKey } }
        timeline(first: 20) {
          pageInfo { hasNextPage endCursor }
          edges {
            cursor
            node {
              kind id caption postedAt
              appUserByAuthorId { firstName lastName readyPhoto { id thumbnailKey } }
              childgroupByGroupId { name }
              visibleChildren { nodes { firstName } }
              readyMedia { nodes { id kind width height thumbnailKey } }
            }
          }
        }
      }
    }
  }
}"""


class Mismatch(AssertionError):
    pass


def _signed(url: str | None) -> tuple | None:
    if url is None:
        return None
    payload = url.rsplit("/", 1)[1].split(".")[0]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return (claims["m"], claims["v"], claims["d"])


def _pk(global_id: str) -> int:
    return from_global_id(global_id)[1]


def _photo_ours(photo: dict | None) -> tuple | None:
    return None if photo is None else (_signed(photo["thumbnailUrl"]),)


def _staff_ours(staff: dict | None) -> tuple | None:
    return None if staff is None else (staff["name"], _photo_ours(staff["photo"]))


def ours(document: dict) -> dict:
    """Ouderlink's (or the floor's) answer in canonical form."""
    if document.get("errors"):
        raise Mismatch(f"errors: {document['errors']}")
    viewer = document["data"]["viewer"]
    children = []
    for edge in viewer["children"]["edges"]:
        child = edge["node"]
        items = []
        for e in child["timeline"]["edges"]:
            node = e["node"]
            if node["__typename"] != "PhotoPost":
                items.append((node["__typename"],))
                continue
            items.append(
                (
                    _pk(node["id"]),
                    node["caption"],
                    datetime.fromisoformat(node["postedAt"]),
                    _staff_ours(node["author"]),
                    node["group"]["name"],
                    tuple(c["firstName"] for c in node["children"]),
                    tuple(
                        (
                            m["kind"],
                            m["width"],
                            m["height"],
                            _signed(m["url"]),
                            _signed(m["thumbnailUrl"]),
                            _signed(m["downloadUrl"]),
                        )
                        for m in node["media"]
                    ),
                )
            )
        children.append(
            {
                "id": _pk(child["id"]),
                "firstName": child["firstName"],
                "placements": [
                    (
                        p["careType"],
                        p["startDate"],
                        p["endDate"],
                        tuple((d["weekday"], d["start"], d["end"]) for d in p["weeklySchedule"]),
                        p["group"]["name"],
                        p["group"]["careType"],
                        p["group"]["location"]["name"],
                        p["group"]["location"]["phone"],
                    )
                    for p in child["placements"]
                ],
                "mentor": _staff_ours(child["mentor"]),
                "hasNextPage": child["timeline"]["pageInfo"]["hasNextPage"],
                "items": items,
            }
        )
    return {"name": viewer["user"]["name"], "children": children}


def _photo_pg(photo: dict | None) -> tuple | None:
    if photo is None:
        return None
    return ((photo["id"], "t", "i") if photo["thumbnailKey"] else None,)


def _staff_pg(user: dict | None) -> tuple | None:
    if user is None:
        return None
    name = f"{user['firstName']} {user['lastName']}".strip()
    return (name, _photo_pg(user["readyPhoto"]))


def _schedule(raw: list) -> tuple:
    days = schedule_of(SimpleNamespace(schedule=raw))  # type: ignore[arg-type]
    return tuple((WEEKDAYS[d.weekday], d.start.isoformat(), d.end.isoformat()) for d in days)


def postgraphile(document: dict) -> dict:
    """PostGraphile's answer in the same canonical form."""
    if document.get("errors"):
        raise Mismatch(f"errors: {document['errors']}")
    viewer = document["data"]["viewer"]
    children = []
    for child in viewer["homeChildren"]["nodes"]:
        items = []
        for e in child["timeline"]["edges"]:
            node = e["node"]
            if node["kind"] != "photo_post":
                items.append(("DiaryEntry",))
                continue
            items.append(
                (
                    node["id"],
                    node["caption"],
                    datetime.fromisoformat(node["postedAt"]),
                    _staff_pg(node["appUserByAuthorId"]),
                    node["childgroupByGroupId"]["name"],
                    tuple(c["firstName"] for c in node["visibleChildren"]["nodes"]),
                    tuple(
                        (
                            m["kind"].upper(),
                            m["width"],
                            m["height"],
                            (m["id"], "f", "i"),
                            (m["id"], "t", "i") if m["thumbnailKey"] else None,
                            (m["id"], "f", "a"),
                        )
                        for m in node["readyMedia"]["nodes"]
                    ),
                )
            )
        children.append(
            {
                "id": child["id"],
                "firstName": child["firstName"],
                "placements": [
                    (
                        p["careType"].upper(),
                        p["startDate"],
                        p["endDate"],
                        _schedule(p["schedule"]),
                        p["childgroupByGroupId"]["name"],
                        p["childgroupByGroupId"]["careType"].upper(),
                        p["childgroupByGroupId"]["locationByLocationId"]["name"],
                        p["childgroupByGroupId"]["locationByLocationId"]["phone"],
                    )
                    for p in child["currentPlacements"]["nodes"]
                ],
                "mentor": _staff_pg(child["mentor"]),
                "hasNextPage": child["timeline"]["pageInfo"]["hasNextPage"],
                "items": items,
            }
        )
    return {"name": f"{viewer['firstName']} {viewer['lastName']}", "children": children}


def same(label: str, left: dict, right: dict) -> None:
    """Raise Mismatch with the first difference."""
    if left == right:
        return
    if left["name"] != right["name"]:
        raise Mismatch(f"{label}: viewer name {left['name']!r} != {right['name']!r}")
    if len(left["children"]) != len(right["children"]):
        ids = ([c["id"] for c in left["children"]], [c["id"] for c in right["children"]])
        raise Mismatch(f"{label}: children {ids[0]} != {ids[1]}")
    for a, b in zip(left["children"], right["children"], strict=True):
        for key in a:
            if a[key] == b[key]:
                continue
            if key == "items" and len(a[key]) == len(b[key]):
                for x, y in zip(a[key], b[key], strict=True):
                    if x != y:
                        raise Mismatch(f"{label}: child {a['id']} item\n  {x}\n  {y}")
            raise Mismatch(f"{label}: child {a['id']} {key}\n  {a[key]}\n  {b[key]}")
    raise Mismatch(f"{label}: differ")


def first_difference(a: bytes, b: bytes) -> str:
    n = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return f"at byte {n}: {a[max(0, n - 80) : n + 80]!r}\n vs {b[max(0, n - 80) : n + 80]!r}"
