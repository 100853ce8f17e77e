"""What an API token reaches: queries only, no user, no child's data, nothing of another
organisation; revoked, expired and unknown tokens are refused; tokens get no WebSocket."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models import ApiToken, Role, Session
from schema.ids import to_global_id
from services import api_tokens, clock, media
from tests import factories, media_samples, messaging_samples, timeline_samples
from tests.agenda_helpers import principal_of
from tests.live import GraphQLSocket, Server
from tests.messaging_samples import MESSAGE_ADDED

NODE = "query($id: ID!) { node(id: $id) { __typename id } }"
VIEWER = "{ viewer { user { email } } about { apiVersion } }"


async def issue(org, scopes=("occupancy",)) -> tuple[str, int]:
    """A token of the organisation, made by one of its admins: (secret, id)."""
    admin = await principal_of(await factories.user(org, Role.ADMIN))
    issued = await api_tokens.create(admin, name="Dash", scopes=list(scopes))
    return issued.secret, issued.token.id


async def post(client, query: str, token: str, variables: dict | None = None, **extra):
    return await client.post(
        "/graphql",
        json={"query": query, "variables": variables or {}, **extra},
        headers={"Authorization": f"Bearer {token}"},
    )


async def test_a_token_is_nobody_viewer_is_null_and_public_fields_answer(db, gql):
    # given
    t = await factories.tenant()
    secret, _ = await issue(t.org)
    # when
    result = await gql(VIEWER, token=secret)
    # then
    assert "errors" not in result, result
    assert result["data"]["viewer"] is None
    assert result["data"]["about"]["apiVersion"]


async def test_a_token_reaches_no_child_photo_diary_message_or_person(db, gql):
    # given a family with a photo, a diary entry and a conversation, which the parent sees
    t = await factories.tenant()
    other = await factories.tenant("elders")
    parent = await factories.token_for(t.parent)
    photo = await timeline_samples.stored_photo(t.staff)
    post = await timeline_samples.photo_post(t.babies, t.staff, [t.child], [photo])
    entry, _ = await timeline_samples.diary_card(t.child, t.babies, t.staff)
    started = await messaging_samples.start_conversation(gql, parent, t.child.id)
    ids = [
        to_global_id("Child", t.child.id),
        to_global_id("PhotoPost", post.id),
        to_global_id("DiaryEntry", entry.id),
        started["conversation"]["id"],
        started["sentMessage"]["id"],
        to_global_id("User", t.parent.id),
    ]
    seen = [(await gql(NODE, {"id": i}, token=parent))["data"]["node"] for i in ids]
    assert all(seen), seen
    secret, token_id = await issue(t.org, scopes=[s.value for s in api_tokens.Scope])
    # when the organisation's token with every scope asks for them, and for another tenant's
    asked = [
        *ids,
        to_global_id("Child", other.child.id),
        to_global_id("User", other.parent.id),
        to_global_id("ApiToken", token_id),
    ]
    answers = [await gql(NODE, {"id": i}, token=secret) for i in asked]
    # then it gets nothing, without errors that tell what exists
    assert [a["data"]["node"] for a in answers] == [None] * len(asked)
    assert not any("errors" in a for a in answers)


async def test_a_token_cannot_run_a_mutation(db, client):
    # given
    t = await factories.tenant()
    secret, _ = await issue(t.org)
    create = """mutation { createApiToken(input: {name: "More", scopes: [NEWS]}) {
        __typename } }"""
    # when
    response = await post(client, create, secret)
    # then
    body = response.json()
    assert response.status_code == 200
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "TOKEN_READ_ONLY"
    assert "alleen lezen" in body["errors"][0]["message"]
    assert await ApiToken.all().count() == 1


async def test_a_mutation_picked_by_operation_name_is_refused_too(db, client):
    # given a document with a query and a mutation
    t = await factories.tenant()
    secret, _ = await issue(t.org)
    document = "query Read { about { apiVersion } } mutation Write { logout }"
    # when / then
    read = (await post(client, document, secret, operationName="Read")).json()
    write = (await post(client, document, secret, operationName="Write")).json()
    assert read["data"]["about"]["apiVersion"]
    assert write["errors"][0]["extensions"]["code"] == "TOKEN_READ_ONLY"


async def test_a_token_cannot_run_a_subscription_over_http(db, client):
    # given
    t = await factories.tenant()
    secret, _ = await issue(t.org)
    # when
    response = await client.post(
        "/graphql",
        json={"query": MESSAGE_ADDED, "variables": {}},
        headers={
            "Authorization": f"Bearer {secret}",
            "Accept": "multipart/mixed;subscriptionSpec=1.0,application/json",
        },
    )
    # then nothing streams: the operation is refused before any resolver runs
    assert response.json() == {
        "data": None,
        "errors": [
            {
                "message": response.json()["errors"][0]["message"],
                "extensions": {"code": "TOKEN_READ_ONLY"},
            }
        ],
    }


@pytest.mark.parametrize("protocol", ["graphql-transport-ws", "graphql-ws"])
async def test_a_token_gets_no_websocket(db, live_servers, protocol):
    # given
    server: Server = live_servers[0]
    t = await factories.tenant()
    secret, _ = await issue(t.org)
    socket = await GraphQLSocket.open(server.ws_url, protocol=protocol)
    # when
    await socket.send({"type": "connection_init", "payload": {"authorization": f"Bearer {secret}"}})
    # then
    if protocol == "graphql-ws":
        message = await socket.receive()
        assert message == {"type": "connection_error", "payload": {"code": "TOKEN_READ_ONLY"}}
        await socket.close()
    else:
        assert (await socket.wait_closed()).code == 4403


async def test_a_token_given_as_token_gets_no_websocket_either(db, live_servers):
    server: Server = live_servers[0]
    t = await factories.tenant()
    secret, _ = await issue(t.org)
    socket = await GraphQLSocket.open(server.ws_url, protocol="graphql-ws")
    await socket.send({"type": "connection_init", "payload": {"token": secret}})
    message = await socket.receive()
    assert message["payload"]["code"] == "TOKEN_READ_ONLY"
    await socket.close()


async def test_revoked_expired_and_unknown_tokens_get_401(db, client):
    # given
    t = await factories.tenant()
    admin = await principal_of(await factories.user(t.org, Role.ADMIN))
    revoked = await api_tokens.create(admin, name="Old", scopes=["news"])
    await api_tokens.revoke(admin, revoked.token.id)
    expiring = await api_tokens.create(
        admin, name="Short", scopes=["news"], expires_at=clock.now() + timedelta(minutes=5)
    )
    assert (await post(client, VIEWER, expiring.secret)).status_code == 200
    later = clock.now() + timedelta(minutes=5)
    clock.set_clock(lambda: later)
    # when
    responses = [
        await post(client, VIEWER, secret)
        for secret in (revoked.secret, expiring.secret, "olk_" + "x" * 43)
    ]
    # then
    for response in responses:
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")
        body = response.json()
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_last_use_is_recorded(db, gql):
    # given
    t = await factories.tenant()
    secret, token_id = await issue(t.org)
    assert (await ApiToken.get(id=token_id)).last_used_at is None
    # when
    await gql(VIEWER, token=secret)
    # then
    used = (await ApiToken.get(id=token_id)).last_used_at
    assert used is not None and abs((clock.now() - used).total_seconds()) < 60


async def test_a_session_token_still_works_and_never_becomes_an_api_token(db, gql):
    # given
    t = await factories.tenant()
    session = await factories.token_for(t.parent)
    # when
    result = await gql(VIEWER, token=session)
    # then
    assert result["data"]["viewer"]["user"]["email"] == t.parent.email
    assert await Session.filter(user_id=t.parent.id).count() == 1


async def test_a_token_gets_nothing_from_media_routes(db, client, gql):
    # given a photo a staff member uploaded, with a download address for that staff member
    t = await factories.tenant()
    staff = await factories.token_for(t.staff)
    secret, _ = await issue(t.org, scopes=[s.value for s in api_tokens.Scope])
    photo = await timeline_samples.stored_photo(t.staff)
    url = media.download_url(photo, user_id=t.staff.id, disposition="attachment")
    ticket = await media_samples.ticket(
        gql, staff, kind="PHOTO", data=media_samples.jpeg(), content_type="image/jpeg"
    )
    # when
    download = await client.get(url, headers={"Authorization": f"Bearer {secret}"})
    upload = await client.put(
        ticket["uploadUrl"],
        content=media_samples.jpeg(),
        headers={"Authorization": f"Bearer {secret}", "Content-Type": "image/jpeg"},
    )
    feed = await client.get(f"/calendar/{secret}.ics")
    # then
    assert download.status_code == 403
    assert upload.status_code == 401
    assert feed.status_code == 404
    assert (await client.get(url, headers={"Authorization": f"Bearer {staff}"})).status_code == 200
