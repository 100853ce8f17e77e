"""API tokens: only admins create, list and revoke them; the secret is stored hashed; a token
authenticates while it is neither revoked nor expired; `last_used_at` at most once a minute."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from models import ApiToken, Event, Role, Session
from services import api_tokens, auth, clock
from services.errors import AccessDenied, RefusedError
from services.token_principal import Scope
from tests import factories
from tests.agenda_helpers import principal_of, set_now
from tests.sql_counter import count_sql

NOW = datetime(2026, 4, 20, 7, 0, tzinfo=UTC)


async def _admin(org):
    return await principal_of(await factories.user(org, Role.ADMIN))


async def test_an_admin_creates_a_token_that_is_stored_hashed(db):
    # given
    set_now(NOW)
    org = await factories.organisation()
    admin = await _admin(org)
    # when
    issued = await api_tokens.create(
        admin, name=" Bezetting ", publisher="DashCo", scopes=["news", "occupancy", "news"]
    )
    # then the secret is ours and shown here only; the row holds its hash and a prefix
    secret = issued.secret
    assert secret.startswith("olk_") and len(secret) >= 47
    row = await ApiToken.get(id=issued.token.id)
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert row.prefix == secret[:10]
    stored = [str(v) for v in (await ApiToken.filter(id=row.id).values())[0].values()]
    assert not any(secret in value or secret[10:] in value for value in stored)
    assert (row.name, row.publisher, row.scopes) == ("Bezetting", "DashCo", ["occupancy", "news"])
    assert row.expires_at == NOW + timedelta(days=365)
    assert (row.organisation_id, row.created_by_id) == (org.id, admin.user_id)
    event = await Event.get(type="api_token.created")
    assert event.payload == {"apiTokenId": row.id, "userId": admin.user_id}


@pytest.mark.parametrize("role", [Role.PLANNER, Role.STAFF, Role.PARENT])
async def test_only_admins_create_tokens(db, role):
    # given
    org = await factories.organisation()
    someone = await principal_of(await factories.user(org, role))
    # when / then
    with pytest.raises(AccessDenied):
        await api_tokens.create(someone, name="Dash", scopes=["occupancy"])
    assert await ApiToken.all().count() == 0


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"name": "  "}, "NAME_INVALID"),
        ({"name": "x" * 101}, "NAME_INVALID"),
        ({"publisher": "p" * 101}, "PUBLISHER_TOO_LONG"),
        ({"scopes": []}, "NO_SCOPES"),
        ({"scopes": ["occupancy", "photos"]}, "UNKNOWN_SCOPE"),
        ({"expires_at": NOW}, "EXPIRY_IN_PAST"),
        ({"expires_at": NOW - timedelta(days=1)}, "EXPIRY_IN_PAST"),
        ({"expires_at": NOW + timedelta(days=732)}, "EXPIRY_TOO_FAR"),
    ],
)
async def test_bad_token_details_are_refused(db, changes, code):
    # given
    set_now(NOW)
    admin = await _admin(await factories.organisation())
    details = {"name": "Dash", "scopes": ["occupancy"], **changes}
    # when
    with pytest.raises(RefusedError) as refused:
        await api_tokens.create(admin, **details)
    # then
    assert refused.value.refusal.code == code
    assert refused.value.refusal.message_nl and refused.value.refusal.message_en
    assert await ApiToken.all().count() == 0


async def test_an_expiry_two_years_ahead_is_allowed(db):
    # given
    set_now(NOW)
    admin = await _admin(await factories.organisation())
    expiry = NOW.replace(year=2028)
    # when
    issued = await api_tokens.create(admin, name="Dash", scopes=["credits"], expires_at=expiry)
    # then
    assert (await ApiToken.get(id=issued.token.id)).expires_at == expiry


async def test_a_token_authenticates_as_its_organisation_with_its_scopes(db):
    # given
    org = await factories.organisation(tokens_registered_queries_only=True)
    issued = await api_tokens.create(
        await _admin(org), name="Dash", scopes=["occupancy", "requests"]
    )
    # when
    token = await api_tokens.authenticate(issued.secret)
    # then
    assert token is not None
    assert (token.token_id, token.organisation_id) == (issued.token.id, org.id)
    assert token.scopes == frozenset({Scope.OCCUPANCY, Scope.REQUESTS})
    assert token.registered_queries_only is True


async def test_unknown_session_and_malformed_values_do_not_authenticate(db):
    # given
    org = await factories.organisation()
    admin = await factories.user(org, Role.ADMIN)
    issued = await api_tokens.create(await principal_of(admin), name="Dash", scopes=["news"])
    session = await factories.token_for(admin)
    # when / then
    other_last = "B" if issued.secret.endswith("A") else "A"
    assert await api_tokens.authenticate(issued.secret[:-1] + other_last) is None
    assert await api_tokens.authenticate(session) is None
    assert await api_tokens.authenticate("olk_" + "a" * 300) is None
    assert await api_tokens.authenticate("") is None
    # and a token is no session either
    assert await auth.authenticate(issued.secret) is None


async def test_revoked_and_expired_tokens_do_not_authenticate(db):
    # given
    set_now(NOW)
    org = await factories.organisation()
    admin = await _admin(org)
    revoked = await api_tokens.create(admin, name="Old", scopes=["news"])
    expiring = await api_tokens.create(
        admin, name="Short", scopes=["news"], expires_at=NOW + timedelta(hours=1)
    )
    await api_tokens.revoke(admin, revoked.token.id)
    # when / then
    assert await api_tokens.authenticate(revoked.secret) is None
    assert await api_tokens.authenticate(expiring.secret) is not None
    set_now(NOW + timedelta(hours=1))
    assert await api_tokens.authenticate(expiring.secret) is None


async def test_last_use_is_written_at_most_once_a_minute(db):
    # given
    set_now(NOW)
    issued = await api_tokens.create(
        await _admin(await factories.organisation()), name="Dash", scopes=["news"]
    )
    # when used the first time, then again 30 seconds later
    await api_tokens.authenticate(issued.secret)
    first = (await ApiToken.get(id=issued.token.id)).last_used_at
    set_now(NOW + timedelta(seconds=30))
    with count_sql() as log:
        await api_tokens.authenticate(issued.secret)
    # then the second use only read
    assert first == NOW
    assert (await ApiToken.get(id=issued.token.id)).last_used_at == NOW
    assert log.count == 1, str(log)
    # and a minute after the last write it writes again
    set_now(NOW + timedelta(seconds=61))
    await api_tokens.authenticate(issued.secret)
    assert (await ApiToken.get(id=issued.token.id)).last_used_at == NOW + timedelta(seconds=61)


async def test_admins_list_the_tokens_of_their_own_organisation_only(db):
    # given
    org, other = await factories.organisation("a"), await factories.organisation("b")
    admin, other_admin = await _admin(org), await _admin(other)
    first = await api_tokens.create(admin, name="First", scopes=["news"])
    second = await api_tokens.create(admin, name="Second", scopes=["news"])
    await api_tokens.create(other_admin, name="Theirs", scopes=["news"])
    # when
    listed = await api_tokens.tokens(admin)
    # then
    assert [t.id for t in listed] == [second.token.id, first.token.id]
    assert await api_tokens.token(admin, first.token.id) is not None
    assert await api_tokens.token(other_admin, first.token.id) is None
    planner = await principal_of(await factories.user(org, Role.PLANNER))
    assert await api_tokens.token(planner, first.token.id) is None
    with pytest.raises(AccessDenied):
        await api_tokens.tokens(planner)


async def test_an_admin_revokes_a_token_once(db):
    # given
    set_now(NOW)
    admin = await _admin(await factories.organisation())
    issued = await api_tokens.create(admin, name="Dash", scopes=["news"])
    # when
    revoked = await api_tokens.revoke(admin, issued.token.id)
    with pytest.raises(RefusedError) as again:
        await api_tokens.revoke(admin, issued.token.id)
    # then
    assert revoked.revoked_at == NOW
    assert again.value.refusal.code == "ALREADY_REVOKED"
    assert await Event.filter(type="api_token.revoked").count() == 1


async def test_a_token_of_another_organisation_cannot_be_revoked(db):
    # given
    theirs = await api_tokens.create(
        await _admin(await factories.organisation("b")), name="Dash", scopes=["news"]
    )
    admin = await _admin(await factories.organisation("a"))
    planner_org = await factories.organisation("c")
    planner = await principal_of(await factories.user(planner_org, Role.PLANNER))
    # when / then
    with pytest.raises(RefusedError) as refused:
        await api_tokens.revoke(admin, theirs.token.id)
    assert refused.value.refusal.code == "API_TOKEN_NOT_FOUND"
    with pytest.raises(AccessDenied):
        await api_tokens.revoke(planner, theirs.token.id)
    assert await api_tokens.authenticate(theirs.secret) is not None


async def test_a_session_token_never_looks_like_an_api_token(db, monkeypatch):
    # given the random source first hands out a value with the API-token prefix
    org = await factories.organisation()
    user = await factories.user(org, Role.PARENT)
    values = iter(["olk_" + "x" * 39, "s" * 43])
    monkeypatch.setattr(auth.secrets, "token_urlsafe", lambda n: next(values))
    # when
    granted = await auth.open_session(user, client_address="198.51.100.1")
    # then
    assert granted.token == "s" * 43
    assert await Session.filter(user_id=user.id).count() == 1
    assert clock.now() < (await Session.get(user_id=user.id)).expires_at
