"""mutations createCalendarFeed / revokeCalendarFeed and GET /calendar/<token>.ics."""

from __future__ import annotations

from urllib.parse import urlparse

from tests import factories
from tests.agenda_helpers import MONDAY, at, set_now, token_of

CREATE = "mutation { createCalendarFeed { url } }"
REVOKE = "mutation { revokeCalendarFeed }"


async def test_a_parent_subscribes_to_the_feed_and_revokes_it(db, gql, client):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    token = await token_of(t.parent)
    # when
    url = (await gql(CREATE, token=token))["data"]["createCalendarFeed"]["url"]
    fetched = await client.get(urlparse(url).path)
    revoked = await gql(REVOKE, token=token)
    after = await client.get(urlparse(url).path)
    # then
    assert url.endswith(".ics") and "/calendar/" in url
    assert fetched.status_code == 200
    assert fetched.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in fetched.text and "SUMMARY:Sam: opvang" in fetched.text
    assert revoked["data"]["revokeCalendarFeed"] is True
    assert after.status_code == 404


async def test_a_new_url_replaces_the_old_one(db, gql, client):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    token = await token_of(t.parent)
    old = (await gql(CREATE, token=token))["data"]["createCalendarFeed"]["url"]
    # when
    new = (await gql(CREATE, token=token))["data"]["createCalendarFeed"]["url"]
    # then
    assert (await client.get(urlparse(old).path)).status_code == 404
    assert (await client.get(urlparse(new).path)).status_code == 200


async def test_unknown_tokens_and_non_parents_get_nothing(db, gql, client):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    # when
    unknown = await client.get("/calendar/not-a-real-token.ics")
    as_staff = await gql(CREATE, token=await token_of(t.staff))
    anonymous = await gql(CREATE)
    # then
    assert unknown.status_code == 404
    assert as_staff["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
