"""diaryEntryAdded end to end: entries written with writeDiaryEntry/updateDiaryEntry through
one server process reach guardians and group staff connected to another (PostgreSQL + Redis
shape), and on the embedded shape through the same process."""

from __future__ import annotations

import pytest

from models import Guardianship
from tests import factories
from tests.diary_samples import UPDATE, WRITE
from tests.live import TWO_PROCESSES, WHY_ONE_PROCESS, GraphQLSocket, Server
from tests.messaging_samples import event_cursor, gid

two_processes = pytest.mark.skipif(not TWO_PROCESSES, reason=WHY_ONE_PROCESS)

DIARY_ADDED = """
subscription($childId: ID, $after: String) {
  diaryEntryAdded(childId: $childId, after: $after) {
    cursor
    node { id text author { role } meals { time amount } canEdit }
  }
}"""


def nodes(results: list[dict]) -> list[dict]:
    return [r["data"]["diaryEntryAdded"]["node"] for r in results]


async def write(server: Server, token: str, child_id: int, text: str, **fields) -> dict:  # type: ignore[no-untyped-def]
    variables = {"input": {"childId": gid("Child", child_id), "text": text, **fields}}
    result = await server.gql(WRITE, variables, token=token)
    assert result["data"]["writeDiaryEntry"]["__typename"] == "DiaryEntryWritten", result
    return result["data"]["writeDiaryEntry"]["entry"]


@two_processes
async def test_a_staff_entry_written_on_process_a_reaches_a_parent_on_process_b(db, live_servers):
    # given a guardian connected to process B, listening to Sam's diary
    a, b = live_servers
    t = await factories.tenant()
    parent, staff = await factories.token_for(t.parent), await factories.token_for(t.staff)
    after = await event_cursor(a.gql, parent)
    client = await GraphQLSocket.connect(b.ws_url, parent)
    op = await client.subscribe(DIARY_ADDED, {"childId": gid("Child", t.child.id), "after": after})
    # when staff write an entry through process A, and then correct it
    parts = {"meals": [{"time": "09:30", "what": "fles", "amount": "150 ml"}]}
    entry = await write(a, staff, t.child.id, "Goed gedronken", parts=parts)
    added = await client.results(op, 1)
    changed = await a.gql(
        UPDATE, {"input": {"id": entry["id"], "text": "Goed gedronken en geslapen"}}, token=staff
    )
    assert changed["data"]["updateDiaryEntry"]["__typename"] == "DiaryEntryWritten", changed
    updated = await client.results(op, 1)
    # then both arrive on B, reloaded for the parent (who may not edit a staff entry)
    assert nodes(added + updated) == [
        {
            "id": entry["id"],
            "text": "Goed gedronken",
            "author": {"role": "STAFF"},
            "meals": [{"time": "09:30", "amount": "150 ml"}],
            "canEdit": False,
        },
        {
            "id": entry["id"],
            "text": "Goed gedronken en geslapen",
            "author": {"role": "STAFF"},
            "meals": [],
            "canEdit": False,
        },
    ]
    await client.close()


@two_processes
async def test_a_parents_entry_on_process_a_reaches_group_staff_and_the_other_guardian_on_b(
    db, live_servers
):
    # given staff of the group (all their children) and Sam's second guardian on process B
    a, b = live_servers
    t = await factories.tenant()
    second = await factories.user(t.org, role=t.parent.role)
    await Guardianship.create(child=t.child, user=second)
    parent = await factories.token_for(t.parent)
    tokens = [await factories.token_for(t.staff), await factories.token_for(second)]
    after = await event_cursor(a.gql, parent)
    clients = [await GraphQLSocket.connect(b.ws_url, tok) for tok in tokens]
    ops = [await c.subscribe(DIARY_ADDED, {"after": after}) for c in clients]
    # when one guardian writes how the night went through process A
    await write(a, parent, t.child.id, "Twee keer wakker geweest")
    # then both receive it on B
    for client, op in zip(clients, ops, strict=True):
        received = nodes(await client.results(op, 1))
        assert [(n["text"], n["author"]["role"]) for n in received] == [
            ("Twee keer wakker geweest", "PARENT")
        ]
        await client.close()


async def test_on_one_process_a_written_entry_reaches_the_subscribed_guardian(db, live_servers):
    server: Server = live_servers[-1]
    t = await factories.tenant()
    parent, staff = await factories.token_for(t.parent), await factories.token_for(t.staff)
    after = await event_cursor(server.gql, parent)
    client = await GraphQLSocket.connect(server.ws_url, parent)
    op = await client.subscribe(DIARY_ADDED, {"childId": gid("Child", t.child.id), "after": after})
    await write(server, staff, t.child.id, "Buiten gespeeld")
    assert [n["text"] for n in nodes(await client.results(op, 1))] == ["Buiten gespeeld"]
    await client.close()


DIARY_DELETED = """
subscription($childId: ID, $after: String) {
  diaryEntryDeleted(childId: $childId, after: $after) { cursor node { id childId } }
}"""


async def test_a_deleted_entry_is_announced_to_those_who_see_the_child(db, live_servers):
    # given Sam's guardian and the other parent listening for deletions (last process)
    server: Server = live_servers[-1]
    t = await factories.tenant()
    parent, staff = await factories.token_for(t.parent), await factories.token_for(t.staff)
    other = await factories.token_for(t.other_parent)
    entry = await write(server, staff, t.child.id, "Per ongeluk")
    after = await event_cursor(server.gql, parent)
    client = await GraphQLSocket.connect(server.ws_url, parent)
    op = await client.subscribe(
        DIARY_DELETED, {"childId": gid("Child", t.child.id), "after": after}
    )
    bystander = await GraphQLSocket.connect(server.ws_url, other)
    watching = await bystander.subscribe(DIARY_DELETED, {"after": after})
    # when staff delete it, then delete an entry about Daan
    deleted = await server.gql(
        "mutation($id: ID!) { deleteDiaryEntry(id: $id) { __typename } }",
        {"id": entry["id"]},
        token=staff,
    )
    daan = await write(server, staff, t.other_child.id, "Over Daan")
    await server.gql(
        "mutation($id: ID!) { deleteDiaryEntry(id: $id) { __typename } }",
        {"id": daan["id"]},
        token=staff,
    )
    # then Sam's guardian hears of Sam's, the other parent only of Daan's
    assert deleted["data"]["deleteDiaryEntry"]["__typename"] == "DiaryEntryDeleted"
    received = (await client.results(op, 1))[0]["data"]["diaryEntryDeleted"]["node"]
    assert received == {"id": entry["id"], "childId": gid("Child", t.child.id)}
    seen = (await bystander.results(watching, 1))[0]["data"]["diaryEntryDeleted"]["node"]
    assert seen["id"] == daan["id"]
    await client.close()
    await bystander.close()
