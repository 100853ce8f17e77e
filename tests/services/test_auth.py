"""The login, session and password rules, tested directly."""

from __future__ import annotations

from datetime import timedelta

import pytest

import settings
from models import LoginAttempt, Role, Session
from services import auth, clock
from services.errors import RefusedError
from tests import factories
from tests.factories import PASSWORD


async def login(slug: str, email: str, password: str = PASSWORD, address: str = "198.51.100.1"):
    return await auth.login(
        organisation_slug=slug, email=email, password=password, client_address=address
    )


async def test_a_parent_logs_in_with_organisation_email_and_password(db):
    # given
    org = await factories.organisation("hoera")
    parent = await factories.user(org, Role.PARENT, email="ouder@hoera.example")
    # when
    granted = await login("hoera", "Ouder@Hoera.example ")
    # then
    principal = await auth.authenticate(granted.token)
    assert principal is not None
    assert (principal.user_id, principal.organisation_id, principal.role) == (
        parent.id,
        org.id,
        Role.PARENT,
    )


async def test_the_token_is_stored_only_as_a_hash(db):
    # given
    org = await factories.organisation("hoera")
    await factories.user(org, email="ouder@hoera.example")
    # when
    granted = await login("hoera", "ouder@hoera.example")
    # then
    stored = await Session.get()
    assert stored.token_hash == auth.hash_token(granted.token)
    assert granted.token not in stored.token_hash


@pytest.mark.parametrize(
    ("slug", "email", "password"),
    [
        ("hoera", "ouder@hoera.example", "wrong-password"),
        ("hoera", "nobody@hoera.example", PASSWORD),
        ("zonnestraal", "ouder@hoera.example", PASSWORD),
    ],
)
async def test_wrong_credentials_are_refused_without_saying_which_part_was_wrong(
    db, slug, email, password
):
    # given
    org = await factories.organisation("hoera")
    await factories.organisation("zonnestraal")
    await factories.user(org, email="ouder@hoera.example")
    # when
    with pytest.raises(RefusedError) as refused:
        await login(slug, email, password)
    # then
    assert refused.value.refusal.code == "INVALID_CREDENTIALS"


async def test_an_inactive_account_cannot_log_in(db):
    # given
    org = await factories.organisation("hoera")
    await factories.user(org, email="ouder@hoera.example", is_active=False)
    # when / then
    with pytest.raises(RefusedError, match="INVALID_CREDENTIALS"):
        await login("hoera", "ouder@hoera.example")


async def test_failed_logins_per_account_are_throttled_even_with_the_right_password(db):
    # given
    org = await factories.organisation("hoera")
    await factories.user(org, email="ouder@hoera.example")
    for i in range(settings.LOGIN_MAX_FAILURES_PER_ACCOUNT):
        with pytest.raises(RefusedError):
            await login("hoera", "ouder@hoera.example", "wrong", address=f"192.0.2.{i}")
    # when
    with pytest.raises(RefusedError) as refused:
        await login("hoera", "ouder@hoera.example")
    # then
    assert refused.value.refusal.code == "LOGIN_THROTTLED"
    assert 0 < refused.value.refusal.details["retryAfterSeconds"] <= 15 * 60


async def test_the_account_throttle_lifts_after_the_window(db):
    # given
    org = await factories.organisation("hoera")
    await factories.user(org, email="ouder@hoera.example")
    for _ in range(settings.LOGIN_MAX_FAILURES_PER_ACCOUNT):
        with pytest.raises(RefusedError):
            await login("hoera", "ouder@hoera.example", "wrong")
    later = clock.now() + timedelta(minutes=settings.LOGIN_THROTTLE_WINDOW_MINUTES, seconds=1)
    clock.set_clock(lambda: later)
    # when
    granted = await login("hoera", "ouder@hoera.example")
    # then
    assert granted.token
    assert await LoginAttempt.filter(account_key="hoera:ouder@hoera.example").count() == 0


async def test_failed_logins_per_client_address_are_throttled_across_accounts(db):
    # given
    org = await factories.organisation("hoera")
    await factories.user(org, email="ouder@hoera.example")
    for i in range(settings.LOGIN_MAX_FAILURES_PER_ADDRESS):
        with pytest.raises(RefusedError):
            await login("hoera", f"guess{i}@hoera.example", "wrong", address="203.0.113.9")
    # when
    with pytest.raises(RefusedError) as refused:
        await login("hoera", "ouder@hoera.example", address="203.0.113.9")
    # then
    assert refused.value.refusal.code == "LOGIN_THROTTLED"
    # and another address is not affected
    assert (await login("hoera", "ouder@hoera.example", address="203.0.113.10")).token


async def test_a_session_expires(db):
    # given
    org = await factories.organisation("hoera")
    await factories.user(org, email="ouder@hoera.example")
    granted = await login("hoera", "ouder@hoera.example")
    later = clock.now() + timedelta(hours=settings.SESSION_TTL_HOURS, seconds=1)
    # when
    clock.set_clock(lambda: later)
    # then
    assert await auth.authenticate(granted.token) is None


async def test_logout_revokes_only_this_session(db):
    # given
    org = await factories.organisation("hoera")
    await factories.user(org, email="ouder@hoera.example")
    phone = await login("hoera", "ouder@hoera.example")
    laptop = await login("hoera", "ouder@hoera.example")
    # when
    await auth.logout(await auth.authenticate(phone.token))
    # then
    assert await auth.authenticate(phone.token) is None
    assert await auth.authenticate(laptop.token) is not None


async def test_changing_the_password_revokes_every_other_session(db):
    # given
    org = await factories.organisation("hoera")
    await factories.user(org, email="ouder@hoera.example")
    phone = await login("hoera", "ouder@hoera.example")
    laptop = await login("hoera", "ouder@hoera.example")
    # when
    await auth.change_password(
        await auth.authenticate(phone.token),
        old_password=PASSWORD,
        new_password="a-new-long-secret",
    )
    # then
    assert await auth.authenticate(phone.token) is not None
    assert await auth.authenticate(laptop.token) is None
    assert (await login("hoera", "ouder@hoera.example", "a-new-long-secret")).token


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("not-my-password", "a-new-long-secret", "WRONG_PASSWORD"),
        (PASSWORD, "short", "WEAK_PASSWORD"),
    ],
)
async def test_a_password_change_is_refused_with_a_wrong_old_or_a_weak_new_password(
    db, old, new, code
):
    # given
    org = await factories.organisation("hoera")
    await factories.user(org, email="ouder@hoera.example")
    granted = await login("hoera", "ouder@hoera.example")
    # when
    with pytest.raises(RefusedError) as refused:
        await auth.change_password(
            await auth.authenticate(granted.token), old_password=old, new_password=new
        )
    # then
    assert refused.value.refusal.code == code
    assert (await login("hoera", "ouder@hoera.example")).token


async def test_live_sessions_are_those_neither_revoked_nor_expired_of_active_users(db):
    # given four sessions: standing, revoked, expired, and of a deactivated user
    t = await factories.tenant()
    for user in (t.parent, t.other_parent, t.staff, t.bso_staff):
        await factories.token_for(user)
    standing, revoked, expired, inactive = [
        (await Session.filter(user_id=u.id).first()).id
        for u in (t.parent, t.other_parent, t.staff, t.bso_staff)
    ]
    await Session.filter(id=revoked).update(revoked_at=clock.now())
    await Session.filter(id=expired).update(expires_at=clock.now() - timedelta(seconds=1))
    t.bso_staff.is_active = False
    await t.bso_staff.save()
    # when the live connections' sessions are checked together (with an unknown id)
    live = await auth.live_sessions([standing, revoked, expired, inactive, 10**9])
    # then only the standing one is live
    assert live == {standing}
    assert await auth.live_sessions([]) == set()
