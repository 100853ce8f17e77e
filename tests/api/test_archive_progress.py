"""subscription archiveProgress, over a real WebSocket against a real server process whose
own background worker builds the archive."""

from __future__ import annotations

from schema.ids import to_global_id
from tests import factories
from tests.live import GraphQLSocket

PROGRESS = """
subscription($jobId: ID, $after: String) {
  archiveProgress(jobId: $jobId, after: $after) {
    cursor
    node { id status progress }
  }
}
"""
REQUEST = """
mutation($childId: ID!) {
  requestChildArchive(childId: $childId) { ... on ArchiveRequested { job { id } } }
}"""
EVENT_CURSOR = "query { viewer { eventCursor } }"


async def test_the_parent_follows_the_archive_until_it_is_ready(db, start_server):
    # given a server that builds archives, and the parent subscribed from now on
    server = await start_server(NOTIFICATIONS_WORKER="true", NOTIFICATIONS_POLL_SECONDS="0.2")
    t = await factories.tenant()
    parent = await factories.token_for(t.parent)
    after = (await server.gql(EVENT_CURSOR, token=parent))["data"]["viewer"]["eventCursor"]
    client = await GraphQLSocket.connect(server.ws_url, parent)
    op = await client.subscribe(PROGRESS, {"after": after})
    # when the parent asks for the archive
    requested = await server.gql(
        REQUEST, {"childId": to_global_id("Child", t.child.id)}, token=parent
    )
    job_id = requested["data"]["requestChildArchive"]["job"]["id"]
    # then progress arrives for that job, ending in DONE at 100
    seen = []
    while not seen or seen[-1]["status"] != "DONE":
        [result] = await client.results(op, 1)
        seen.append(result["data"]["archiveProgress"]["node"])
    assert {node["id"] for node in seen} == {job_id}
    assert seen[-1]["progress"] == 100
    await client.close()


async def test_another_parent_hears_nothing_of_it(db, start_server):
    # given the other parent subscribed, then a job of the first parent and one of their own
    server = await start_server(NOTIFICATIONS_WORKER="true", NOTIFICATIONS_POLL_SECONDS="0.2")
    t = await factories.tenant()
    parent = await factories.token_for(t.parent)
    other = await factories.token_for(t.other_parent)
    after = (await server.gql(EVENT_CURSOR, token=other))["data"]["viewer"]["eventCursor"]
    client = await GraphQLSocket.connect(server.ws_url, other)
    op = await client.subscribe(PROGRESS, {"after": after})
    await server.gql(REQUEST, {"childId": to_global_id("Child", t.child.id)}, token=parent)
    # when
    own = await server.gql(
        REQUEST, {"childId": to_global_id("Child", t.other_child.id)}, token=other
    )
    # then the first event they receive is about their own job
    [result] = await client.results(op, 1)
    own_id = own["data"]["requestChildArchive"]["job"]["id"]
    assert result["data"]["archiveProgress"]["node"]["id"] == own_id
    await client.close()
