"""The parent home query (tests/home_query.graphql, also what bench/home_query.py measures)
takes a fixed number of database round trips, authentication included, whatever the list
sizes: the session with the user, organisation and visible children (1) and the page of
children with placements, mentors and timelines (1). The one connection the request used goes
back to the pool without a reset statement (`db.release_as_is`). See README "Performance".
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

import settings
from models import CareType, Placement, Role
from services import clock
from tests import factories, timeline_samples
from tests.sql_counter import count_round_trips, count_sql

HOME = (Path(__file__).parents[1] / "home_query.graphql").read_text()


@pytest.fixture(autouse=True)
def computed(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """These pin what computing an answer costs: the result cache is off (its hits are
    pinned in tests/api/test_home_query_cache.py)."""
    monkeypatch.setattr(settings, "RESULT_CACHE", False)


async def family(t, n_children: int, n_items: int, photos_per_item: int):
    """A parent with children in their own groups (each with a mentor), and photo posts."""
    parent = await factories.user(t.org, Role.PARENT)
    children = []
    for n in range(n_children):
        group = await factories.group(t.org, t.location, f"Groep {n}", CareType.KDV)
        staff = await factories.user(t.org, Role.STAFF)
        staff.photo = await timeline_samples.stored_photo(staff)
        await staff.save()
        await factories.assign(staff, group)
        child = await factories.child(t.org, guardians=[parent], grp=group)
        await Placement.filter(child_id=child.id).update(mentor_id=staff.id)
        photos = [await timeline_samples.stored_photo(staff) for _ in range(photos_per_item)]
        for i in range(n_items):
            await timeline_samples.photo_post(
                group,
                staff,
                [child],
                photos,
                posted_at=clock.now() - timedelta(hours=i + 1),
            )
        children.append(child)
    return parent


# auth + children snapshot
ROUND_TRIPS = 2


async def home_statements(gql, parent) -> tuple[int, dict, str]:
    token = await factories.token_for(parent)
    with count_sql() as log:
        result = await gql(HOME, token=token)
    assert "errors" not in result, result
    return log.count, result, str(log)


async def home_round_trips(gql, token: str) -> tuple[int, dict, str]:
    with count_round_trips() as log:
        result = await gql(HOME, token=token)
    assert "errors" not in result, result
    return log.count, result, str(log)


async def test_the_home_query_costs_the_same_for_1_child_1_item_and_3_children_20_items(db, gql):
    # given
    t = await factories.tenant()
    small = await family(t, n_children=1, n_items=1, photos_per_item=1)
    big = await family(t, n_children=3, n_items=20, photos_per_item=3)
    # when
    small_count, small_result, small_log = await home_statements(gql, small)
    big_count, big_result, big_log = await home_statements(gql, big)
    # then: the data is really there
    small_children = small_result["data"]["viewer"]["children"]["edges"]
    big_children = big_result["data"]["viewer"]["children"]["edges"]
    assert len(small_children) == 1 and len(big_children) == 3
    assert all(len(c["node"]["timeline"]["edges"]) == 20 for c in big_children)
    assert all(c["node"]["mentor"]["photo"] for c in big_children)
    assert all(
        len(e["node"]["media"]) == 3 for c in big_children for e in c["node"]["timeline"]["edges"]
    )
    # and it took exactly as many statements
    assert small_count == big_count, f"1x1:\n{small_log}\n\n3x20:\n{big_log}"
    assert big_count <= 20, big_log


async def test_the_home_query_takes_2_round_trips_authentication_included(db, gql):
    # given: a parent with 1 child and 1 item, one with 3 children with 20 items of 3 photos
    t = await factories.tenant()
    small = await factories.token_for(await family(t, n_children=1, n_items=1, photos_per_item=1))
    big = await factories.token_for(await family(t, n_children=3, n_items=20, photos_per_item=3))
    # and a first request, after which asyncpg has its statements prepared on the connection
    # (the pool hands out the connection released last)
    await gql(HOME, token=small)
    # when
    small_count, small_result, small_log = await home_round_trips(gql, small)
    big_count, big_result, big_log = await home_round_trips(gql, big)
    # then: all the data is there, and only the viewer's own children
    assert len(small_result["data"]["viewer"]["children"]["edges"]) == 1
    big_children = big_result["data"]["viewer"]["children"]["edges"]
    assert len(big_children) == 3
    assert all(len(c["node"]["timeline"]["edges"]) == 20 for c in big_children)
    assert all(c["node"]["mentor"]["photo"]["thumbnailUrl"] for c in big_children)
    assert all(c["node"]["placements"][0]["group"]["location"]["name"] for c in big_children)
    assert all(
        len(e["node"]["media"]) == 3 and e["node"]["author"]["photo"]
        for c in big_children
        for e in c["node"]["timeline"]["edges"]
    )
    # and it took as many round trips for both
    assert small_count == ROUND_TRIPS, small_log
    assert big_count == ROUND_TRIPS, big_log
