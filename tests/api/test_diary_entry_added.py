"""subscription diaryEntryAdded: the same live machinery as messages, over a real WebSocket.

The diary's own write path is another issue; here entries are written the way it will do it
(the entry and its outbox event in one transaction)."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from models import DiaryEntry
from services import clock
from services.diary_events import diary_entry_event
from services.events import record
from tests import factories
from tests.live import GraphQLSocket, Server
from tests.messaging_samples import event_cursor, gid

DIARY_ADDED = """
subscription($childId: ID, $after: String) {
  diaryEntryAdded(childId: $childId, after: $after) {
    cursor
    node { id text date group { name } }
  }
}"""


async def write_entry(t, child, author, text: str, *, updated_entry=None) -> DiaryEntry:
    async with in_transaction() as conn:
        if updated_entry is None:
            entry = await DiaryEntry.create(
                organisation=t.org,
                child=child,
                group=t.babies,
                author=author,
                date=clock.today(),
                text=text,
                using_db=conn,
            )
        else:
            entry = updated_entry
            entry.text = text
            await entry.save(using_db=conn)
        await record(diary_entry_event(entry, updated=updated_entry is not None), conn)
    # Not published from here: the server's relay publishes it (test servers relay every
    # half second), as it would for a process that died between commit and publish.
    return entry


def texts(results: list[dict]) -> list[str]:
    return [r["data"]["diaryEntryAdded"]["node"]["text"] for r in results]


async def test_a_parent_receives_new_and_updated_entries_of_their_child(db, live_servers):
    # given a parent subscribed to Sam's diary
    server: Server = live_servers[0]
    t = await factories.tenant()
    parent = await factories.token_for(t.parent)
    after = await event_cursor(server.gql, parent)
    client = await GraphQLSocket.connect(server.ws_url, parent)
    op = await client.subscribe(DIARY_ADDED, {"childId": gid("Child", t.child.id), "after": after})
    # when staff write an entry, and later correct it
    entry = await write_entry(t, t.child, t.staff, "Sam sliep twee uur")
    added = await client.results(op, 1)
    await write_entry(t, t.child, t.staff, "Sam sliep drie uur", updated_entry=entry)
    updated = await client.results(op, 1)
    # then each arrives as it is at delivery (events carry ids only; the entry is reloaded)
    assert texts(added + updated) == ["Sam sliep twee uur", "Sam sliep drie uur"]
    node = added[0]["data"]["diaryEntryAdded"]["node"]
    assert (node["id"], node["group"]["name"]) == (gid("DiaryEntry", entry.id), "Boompjes")
    await client.close()


async def test_only_those_who_see_the_child_receive_its_entries(db, live_servers):
    # given staff of the group, BSO staff and another parent, subscribed to everything
    server: Server = live_servers[0]
    t = await factories.tenant()
    tokens = {
        "staff": await factories.token_for(t.staff),
        "bso": await factories.token_for(t.bso_staff),
        "other": await factories.token_for(t.other_parent),
    }
    after = await event_cursor(server.gql, tokens["staff"])
    clients = {n: await GraphQLSocket.connect(server.ws_url, tok) for n, tok in tokens.items()}
    ops = {n: await c.subscribe(DIARY_ADDED, {"after": after}) for n, c in clients.items()}
    # when an entry about Sam is written, then one about Daan (the other parent's child)
    await write_entry(t, t.child, t.staff, "Over Sam")
    await write_entry(t, t.other_child, t.staff, "Over Daan")
    # then staff of the group get both, the other parent only Daan's; BSO staff nothing of it
    assert texts(await clients["staff"].results(ops["staff"], 2)) == ["Over Sam", "Over Daan"]
    assert texts(await clients["other"].results(ops["other"], 1)) == ["Over Daan"]
    op = await clients["bso"].subscribe(DIARY_ADDED, {"childId": gid("Child", t.child.id)})
    refused = await clients["bso"].next_result(op)
    assert refused["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    for client in clients.values():
        await client.close()


async def test_reconnecting_with_after_replays_missed_entries(db, live_servers):
    server: Server = live_servers[0]
    t = await factories.tenant()
    parent = await factories.token_for(t.parent)
    after = await event_cursor(server.gql, parent)
    await write_entry(t, t.child, t.staff, "Ochtend")
    await write_entry(t, t.child, t.parent, "Nacht was onrustig")
    client = await GraphQLSocket.connect(server.ws_url, parent, protocol="graphql-ws")
    op = await client.subscribe(DIARY_ADDED, {"childId": gid("Child", t.child.id), "after": after})
    assert texts(await client.results(op, 2)) == ["Ochtend", "Nacht was onrustig"]
    await client.close()
