"""The home query from the result cache (schema/result_cache.py, services/result_cache.py):
a parent's answer is reused while no event was recorded on its topics (their children, those
children's groups and locations, the organisation, the parent), for at most
RESULT_CACHE_SECONDS, per session, per set of visible children; other families' events leave
it cached. See README "Performance"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tortoise.transactions import in_transaction

import settings
from models import Group, Location, Placement
from schema import result_cache, schema
from services import auth, clock, diary, events, messaging, timeline
from services.events import DomainEvent, NullPublisher
from tests import factories
from tests.api.test_home_query import HOME
from tests.diary_samples import DELETE, WRITE, media_of, principal_of, set_now
from tests.messaging_samples import gid
from tests.sql_counter import count_round_trips

# authentication (with the watermark)
HIT_ROUND_TRIPS = 1


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


async def post_photo(t, caption: str, child_ids: list[int] | None = None) -> None:  # type: ignore[no-untyped-def]
    photo = await media_of(t.staff)
    await timeline.create_photo_post(
        principal_of(t.staff),
        child_ids=child_ids or [t.child.id],
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


async def test_other_families_events_leave_the_cached_answer(t, client):
    # given: Sam (the parent's) and Daan (the other family's) are in the same group
    await post_photo(t, "Zandbak")
    token = await factories.token_for(t.parent)
    first, _ = await ask(client, token)
    # when: staff write Daan's diary and post about him, Daan's parent messages the group,
    # and the BSO group's staff post about Lotte (the other family's, in the sibling's group)
    await diary.write_entry(
        principal_of(t.staff),
        child_id=t.other_child.id,
        day=None,
        text="Goed geslapen",
        parts=None,
        media_ids=[],
        publisher=NullPublisher(),
    )
    await post_photo(t, "Alleen Daan", [t.other_child.id])
    await messaging.start_conversation(
        principal_of(t.other_parent),
        child_id=t.other_child.id,
        body="Hoi",
        publisher=NullPublisher(),
    )
    photo = await media_of(t.bso_staff)
    await timeline.create_photo_post(
        principal_of(t.bso_staff),
        child_ids=[t.bso_child.id],
        caption="Lotte",
        media_ids=[photo.id],
        publisher=NullPublisher(),
    )
    with count_round_trips() as log:
        second, outcome = await ask(client, token)
    # then: still the cached answer, in as few round trips
    assert outcome == "hit"
    assert second["data"] == first["data"]
    assert log.count <= HIT_ROUND_TRIPS, str(log)
    # and the other parent's own answer is computed with it
    other, other_outcome = await ask(client, await factories.token_for(t.other_parent))
    assert other_outcome == "miss"
    shown = {(i["__typename"], i.get("caption")) for i in timeline_of(other, "Daan")}
    assert {("DiaryEntry", None), ("PhotoPost", "Alleen Daan")} <= shown


async def test_a_group_post_about_the_parents_child_and_others_shows_on_the_next_answer(t, client):
    # given
    token = await factories.token_for(t.parent)
    await ask(client, token)
    assert (await ask(client, token))[1] == "hit"
    # when
    await post_photo(t, "Samen", [t.other_child.id, t.child.id])
    answer, outcome = await ask(client, token)
    # then: only the parent's own child is named
    assert outcome == "miss"
    assert [(i["caption"], i["children"]) for i in timeline_of(answer)] == [
        ("Samen", [{"firstName": "Sam"}])
    ]


async def changed(topic: str, t, write) -> None:  # type: ignore[no-untyped-def]
    """A write the API has no mutation for yet (placements, mentors, groups, locations),
    with the event such a write must record (services.result_cache: the parent's topics)."""
    async with in_transaction() as conn:
        await write(conn)
        await events.record(DomainEvent("test.changed", topic, t.org.id, {}), conn)


def placement_of(answer: dict, child: str = "Sam") -> dict:
    (node,) = [
        e["node"]
        for e in answer["data"]["viewer"]["children"]["edges"]
        if e["node"]["firstName"] == child
    ]
    (placement,) = node["placements"]
    return {**placement, "mentor": node["mentor"]}


async def test_a_placement_and_mentor_change_with_its_event_shows_on_the_next_answer(t, client):
    # given
    token = await factories.token_for(t.parent)
    before, _ = await ask(client, token)
    assert (await ask(client, token))[1] == "hit"
    sam = await Placement.get(child_id=t.child.id)

    # when: Sam's schedule is cut to Mondays and the staff member becomes his mentor
    async def write(conn) -> None:  # type: ignore[no-untyped-def]
        monday = [{"weekday": 0, "start": "08:00", "end": "12:00"}]
        await (
            Placement.filter(id=sam.id).using_db(conn).update(schedule=monday, mentor_id=t.staff.id)
        )

    await changed(f"child:{t.child.id}", t, write)
    after, outcome = await ask(client, token)
    # then
    assert outcome == "miss"
    assert placement_of(before)["mentor"] is None
    assert placement_of(after)["weeklySchedule"] == [
        {"weekday": "MONDAY", "start": "08:00:00", "end": "12:00:00"}
    ]
    assert placement_of(after)["mentor"]["name"] == t.staff.first_name + " Jansen"


async def test_a_group_or_location_change_with_its_event_shows_on_the_next_answer(t, client):
    # given
    token = await factories.token_for(t.parent)
    await ask(client, token)
    assert (await ask(client, token))[1] == "hit"

    # when: the sibling's group is renamed
    async def rename(conn) -> None:  # type: ignore[no-untyped-def]
        await Group.filter(id=t.bso.id).using_db(conn).update(name="Klaver Vier")

    await changed(f"group:{t.bso.id}", t, rename)
    renamed, outcome = await ask(client, token)
    # then
    assert outcome == "miss"
    assert placement_of(renamed, "Noor")["group"]["name"] == "Klaver Vier"
    assert (await ask(client, token))[1] == "hit"

    # when: the location's phone number changes
    async def phone(conn) -> None:  # type: ignore[no-untyped-def]
        await Location.filter(id=t.location.id).using_db(conn).update(phone="030-7654321")

    await changed(f"location:{t.location.id}", t, phone)
    moved, outcome = await ask(client, token)
    # then
    assert outcome == "miss"
    assert placement_of(moved)["group"]["location"]["phone"] == "030-7654321"


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
