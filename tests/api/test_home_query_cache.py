"""The home query from the result cache (schema/result_cache.py, services/result_cache.py):
a parent's answer is reused while no event of the organisation was recorded, for at most
RESULT_CACHE_SECONDS, per session, per set of visible children. See README "Performance"."""

from __future__ import annotations

from datetime import timedelta

import pytest

import settings
from models import Placement
from schema import result_cache, schema
from services import auth, clock, timeline
from services.events import NullPublisher
from tests import factories
from tests.api.test_home_query import HOME
from tests.conftest import IS_POSTGRES
from tests.diary_samples import DELETE, WRITE, media_of, principal_of, set_now
from tests.messaging_samples import gid
from tests.sql_counter import count_round_trips

# authentication (with the watermark), + the reset of the request's connection on PostgreSQL
HIT_ROUND_TRIPS = 2 if IS_POSTGRES else 1


@pytest.fixture
async def t(db, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(settings, "RESULT_CACHE", True)
    set_now(clock.now().replace(microsecond=0))  # a still clock: the test moves it itself
    return await factories.tenant()


async def ask(client, token: str, query: str = HOME, variables: dict | None = None):  # type: ignore[no-untyped-def]
    response = await client.post(
        "/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    return response.json(), response.headers.get(result_cache.HEADER)


def children_of(answer: dict) -> list[str]:
    return [e["node"]["firstName"] for e in answer["data"]["viewer"]["children"]["edges"]]


def timeline_of(answer: dict, child: str = "Sam") -> list[dict]:
    (node,) = [
        e["node"]
        for e in answer["data"]["viewer"]["children"]["edges"]
        if e["node"]["firstName"] == child
    ]
    return [e["node"] for e in node["timeline"]["edges"]]


async def post_photo(t, caption: str) -> None:  # type: ignore[no-untyped-def]
    photo = await media_of(t.staff)
    await timeline.create_photo_post(
        principal_of(t.staff),
        child_ids=[t.child.id],
        caption=caption,
        media_ids=[photo.id],
        publisher=NullPublisher(),
    )


async def test_a_repeated_home_query_is_answered_from_the_cache_in_fewer_round_trips(t, client):
    # given
    await post_photo(t, "Zandbak")
    token = await factories.token_for(t.parent)
    first, first_outcome = await ask(client, token)
    # when
    with count_round_trips() as log:
        second, second_outcome = await ask(client, token)
    # then: the same data, the cost still reported and charged
    assert (first_outcome, second_outcome) == ("miss", "hit")
    assert second["data"] == first["data"]
    assert [i["caption"] for i in timeline_of(second)] == ["Zandbak"]
    cost, again = first["extensions"]["cost"], second["extensions"]["cost"]
    assert again["requestedQueryCost"] == cost["requestedQueryCost"]
    left = again["throttleStatus"]["currentlyAvailable"]
    assert left < cost["throttleStatus"]["currentlyAvailable"]
    # and only the authentication statement ran
    assert log.count <= HIT_ROUND_TRIPS, str(log)


async def test_a_new_photo_post_in_the_organisation_shows_on_the_next_answer(t, client):
    # given
    token = await factories.token_for(t.parent)
    before, _ = await ask(client, token)
    # when
    await post_photo(t, "Verf")
    after, outcome = await ask(client, token)
    # then
    assert outcome == "miss"
    assert timeline_of(before) == []
    assert [i["caption"] for i in timeline_of(after)] == ["Verf"]


async def test_a_diary_entry_written_and_deleted_shows_and_leaves_on_the_next_answers(t, client):
    # given
    token = await factories.token_for(t.parent)
    empty, _ = await ask(client, token)
    await ask(client, token)
    # when: a diary entry is written (its card joins the timeline)
    written = await ask(
        client, token, WRITE, {"input": {"childId": gid("Child", t.child.id), "text": "Hoi"}}
    )
    entry = written[0]["data"]["writeDiaryEntry"]["entry"]
    with_entry, outcome = await ask(client, token)
    # then
    assert outcome == "miss"
    assert [i["__typename"] for i in timeline_of(empty)] == []
    assert [i["__typename"] for i in timeline_of(with_entry)] == ["DiaryEntry"]
    # when: it is deleted
    await ask(client, token, DELETE, {"id": entry["id"]})
    without, outcome = await ask(client, token)
    # then
    assert outcome == "miss"
    assert timeline_of(without) == []


async def test_sessions_and_users_never_share_answers(t, client):
    # given: one session of the parent has its answer cached
    first_session = await factories.token_for(t.parent)
    await ask(client, first_session)
    assert (await ask(client, first_session))[1] == "hit"
    # when: another session of the same parent, and another parent, ask the same
    second_session = await factories.token_for(t.parent)
    same_user, same_user_outcome = await ask(client, second_session)
    other_parent, other_outcome = await ask(client, await factories.token_for(t.other_parent))
    # then: both are computed for themselves
    assert (same_user_outcome, other_outcome) == ("miss", "miss")
    assert sorted(children_of(same_user)) == ["Noor", "Sam"]
    assert sorted(children_of(other_parent)) == ["Daan", "Lotte"]


async def test_a_revoked_session_gets_nothing_from_the_cache(t, client):
    # given
    token = await factories.token_for(t.parent)
    await ask(client, token)
    assert (await ask(client, token))[1] == "hit"
    # when
    await auth.revoke_all_sessions(t.parent.id)
    answer, outcome = await ask(client, token)
    # then
    assert outcome is None
    assert answer["data"] == {"viewer": None}  # anonymous: no viewer


async def test_a_child_gone_beyond_the_access_window_leaves_the_cached_answer(t, client):
    # given
    token = await factories.token_for(t.parent)
    before, _ = await ask(client, token)
    assert (await ask(client, token))[1] == "hit"
    # when: the sibling's care ended long ago (written outside the API: no event, so only
    # the set of visible children, checked on every request, tells)
    weeks = t.org.access_window_weeks + 1
    ended = clock.today(t.org.timezone) - timedelta(weeks=weeks)
    await Placement.filter(child_id=t.sibling.id).update(
        start_date=ended - timedelta(days=30), end_date=ended
    )
    after, outcome = await ask(client, token)
    # then
    assert outcome == "miss"
    assert sorted(children_of(before)) == ["Noor", "Sam"]
    assert children_of(after) == ["Sam"]


async def test_a_document_with_a_field_outside_the_list_is_never_cached(t, client):
    # given
    token = await factories.token_for(t.parent)
    document = HOME.replace("user { name }", "user { name } eventCursor", 1)
    # when
    answers = [await ask(client, token, document) for _ in range(2)]
    # then
    assert [outcome for _, outcome in answers] == [None, None]
    assert "errors" not in answers[1][0]


async def test_an_answer_older_than_the_ttl_is_computed_again(t, client):
    # given
    token = await factories.token_for(t.parent)
    await ask(client, token)
    started = clock.now()
    # when
    set_now(started + timedelta(seconds=settings.RESULT_CACHE_SECONDS - 1))
    young = (await ask(client, token))[1]
    set_now(started + timedelta(seconds=settings.RESULT_CACHE_SECONDS))
    old = (await ask(client, token))[1]
    # then
    assert (young, old) == ("hit", "miss")


async def test_mutations_and_other_entry_points_are_never_cacheable(db):
    # given
    def cacheable(document: str) -> bool:
        from graphql import parse

        return result_cache.is_cacheable(schema._schema, parse(document))

    # then
    assert cacheable(HOME)
    assert not cacheable(WRITE)
    assert not cacheable(DELETE)
    assert not cacheable("{ node(id: 1) { id } }")
    assert not cacheable(
        "{ viewer { children { edges { node { agenda(from: 1, to: 2) { date } } } } } }"
    )
    assert not cacheable("{ __schema { types { name } } }")
