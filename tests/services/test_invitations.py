"""Invitations and password reset: links, expiry, single use, no account disclosure."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from models import Guardianship, Invitation, NotificationDelivery, Role, Session, User
from services import auth, clock, invitations, passwords
from services.errors import AccessDenied, RefusedError
from services.notifications import dispatch
from tests import factories, notification_helpers
from tests.notification_helpers import parts

smtp = notification_helpers.smtp
START = datetime.now(UTC).replace(microsecond=0)
NEW_PASSWORD = "een-heel-goed-wachtwoord"


@pytest.fixture(autouse=True)
def moving_clock():
    now = [START]
    clock.set_clock(lambda: now[0])
    yield now
    clock.set_clock(None)


async def principal(user):
    return await auth.authenticate(await factories.token_for(user))


def token_in(mail) -> str:
    text, _ = parts(mail)
    return re.search(r"token=([A-Za-z0-9_-]+)", text).group(1)


async def invite(t, email="nieuw@example.nl", children=None, **kwargs):
    return await invitations.invite_parent(
        await principal(t.planner),
        email=email,
        first_name="Fenna",
        last_name="de Vries",
        child_ids=[c.id for c in (children or [t.child])],
        **kwargs,
    )


async def test_a_planner_invites_a_parent_who_sets_a_password_and_logs_in(db, smtp):
    # given
    t = await factories.tenant()
    # when
    invited = await invite(t, email=" Nieuw@Example.nl ", children=[t.child, t.sibling])
    await dispatch.deliver_once()
    # then: an account without password, linked to both children, and one mail with a link
    user = invited.user
    assert (user.email, user.role, user.password_hash) == ("nieuw@example.nl", Role.PARENT, "")
    assert set(await Guardianship.filter(user_id=user.id).values_list("child_id", flat=True)) == {
        t.child.id,
        t.sibling.id,
    }
    assert invited.expires_at == START + timedelta(days=14)
    [mail] = smtp.to("nieuw@example.nl")
    assert mail["Subject"] == "Welkom bij Kinderopvang Hoera"
    text, html = parts(mail)
    assert "/invitation?token=" in text and "Fenna" in text and "/invitation?token=" in html
    token = token_in(mail)
    assert await Invitation.filter(token_hash=auth.hash_token(token)).exists()
    assert not await Invitation.filter(token_hash=token).exists()
    queued = await NotificationDelivery.get(user_id=user.id)
    assert queued.secret == ""  # the sealed link is wiped once sent
    # when: the parent follows the link
    granted = await invitations.accept_invitation(token, NEW_PASSWORD, client_address="203.0.113.9")
    # then: logged in, and the password works for a normal login too
    assert (await auth.authenticate(granted.token)).user_id == user.id
    again = await auth.login(
        organisation_slug="hoera",
        email="nieuw@example.nl",
        password=NEW_PASSWORD,
        client_address="203.0.113.9",
    )
    assert again.user.id == user.id


async def test_an_invitation_link_works_once(db, smtp):
    # given
    t = await factories.tenant()
    await invite(t)
    await dispatch.deliver_once()
    token = token_in(smtp.messages[0])
    await invitations.accept_invitation(token, NEW_PASSWORD, client_address="x")
    # when / then
    with pytest.raises(RefusedError) as refused:
        await invitations.accept_invitation(token, "nog-een-wachtwoord", client_address="x")
    assert refused.value.refusal.code == "INVITATION_USED"


async def test_an_expired_invitation_link_is_refused(db, smtp, moving_clock):
    # given
    t = await factories.tenant()
    await invite(t)
    await dispatch.deliver_once()
    token = token_in(smtp.messages[0])
    # when: fifteen days later
    moving_clock[0] = START + timedelta(days=15)
    with pytest.raises(RefusedError) as refused:
        await invitations.accept_invitation(token, NEW_PASSWORD, client_address="x")
    # then
    assert refused.value.refusal.code == "INVITATION_EXPIRED"
    user = await User.get(email="nieuw@example.nl")
    assert user.password_hash == ""


async def test_a_new_invitation_replaces_the_old_link(db, smtp):
    # given
    t = await factories.tenant()
    await invite(t)
    await invite(t)
    await dispatch.deliver_once()
    first, second = (token_in(m) for m in smtp.messages)
    # when / then
    with pytest.raises(RefusedError) as refused:
        await invitations.accept_invitation(first, NEW_PASSWORD, client_address="x")
    assert refused.value.refusal.code == "INVITATION_EXPIRED"
    await invitations.accept_invitation(second, NEW_PASSWORD, client_address="x")


async def test_a_weak_password_or_an_unknown_token_is_refused(db, smtp):
    # given
    t = await factories.tenant()
    await invite(t)
    await dispatch.deliver_once()
    token = token_in(smtp.messages[0])
    # when / then
    with pytest.raises(RefusedError) as weak:
        await invitations.accept_invitation(token, "kort", client_address="x")
    with pytest.raises(RefusedError) as unknown:
        await invitations.accept_invitation("verzonnen", NEW_PASSWORD, client_address="x")
    assert (weak.value.refusal.code, unknown.value.refusal.code) == (
        "WEAK_PASSWORD",
        "INVITATION_INVALID",
    )
    await invitations.accept_invitation(token, NEW_PASSWORD, client_address="x")


async def test_only_the_back_office_invites_and_only_for_own_children(db):
    # given
    t = await factories.tenant()
    other = await factories.tenant("zonnetje")
    # when / then
    with pytest.raises(AccessDenied):
        await invitations.invite_parent(
            await principal(t.parent),
            email="a@example.nl",
            first_name="A",
            last_name="B",
            child_ids=[t.child.id],
        )
    with pytest.raises(AccessDenied):
        await invite(t, children=[other.child])
    assert not await User.filter(email="a@example.nl").exists()
    assert not await Guardianship.filter(child_id=other.child.id, user__email="nieuw@example.nl")


async def test_an_existing_parent_is_reused_and_a_staff_address_refused(db):
    # given
    t = await factories.tenant()
    # when
    invited = await invite(t, email=t.parent.email, children=[t.other_child])
    # then
    assert invited.reused_account and invited.user.id == t.parent.id
    with pytest.raises(RefusedError) as refused:
        await invite(t, email=t.staff.email)
    assert refused.value.refusal.code == "EMAIL_IN_USE"


async def test_a_password_reset_mails_a_link_that_ends_every_session(db, smtp):
    # given
    t = await factories.tenant()
    phone = await factories.token_for(t.parent)
    # when
    await invitations.request_password_reset(
        organisation_slug="hoera", email=t.parent.email, client_address="203.0.113.5"
    )
    await dispatch.deliver_once()
    token = token_in(smtp.to(t.parent.email)[0])
    revoked = await invitations.reset_password(token, NEW_PASSWORD)
    # then
    assert revoked == 1
    assert await auth.authenticate(phone) is None
    user = await User.get(id=t.parent.id)
    assert passwords.verify_password(user.password_hash, NEW_PASSWORD)
    assert not await Session.filter(user_id=t.parent.id, revoked_at=None).exists()


async def test_asking_a_reset_for_an_unknown_address_looks_the_same_and_mails_nothing(db, smtp):
    # given
    await factories.tenant()
    # when: no exception, no answer either way
    result = await invitations.request_password_reset(
        organisation_slug="hoera", email="niemand@example.nl", client_address="203.0.113.5"
    )
    await dispatch.deliver_once()
    # then
    assert result is None
    assert smtp.messages == []


async def test_a_reset_link_is_no_invitation_link(db, smtp):
    # given
    t = await factories.tenant()
    await invitations.request_password_reset(
        organisation_slug="hoera", email=t.parent.email, client_address="203.0.113.5"
    )
    await dispatch.deliver_once()
    token = token_in(smtp.messages[0])
    # when / then
    with pytest.raises(RefusedError) as refused:
        await invitations.accept_invitation(token, NEW_PASSWORD, client_address="x")
    assert refused.value.refusal.code == "INVITATION_INVALID"


async def test_resets_are_throttled_per_account_and_per_address(db, smtp):
    # given
    t = await factories.tenant()
    for _ in range(5):
        await invitations.request_password_reset(
            organisation_slug="hoera", email=t.parent.email, client_address="203.0.113.5"
        )
    await dispatch.deliver_once()
    # then: at most three mails per hour for one account
    assert len(smtp.to(t.parent.email)) == 3
    # when: one address keeps asking, for whatever accounts
    for n in range(15):
        await invitations.request_password_reset(
            organisation_slug="hoera", email=f"x{n}@example.nl", client_address="203.0.113.5"
        )
    with pytest.raises(RefusedError) as refused:
        await invitations.request_password_reset(
            organisation_slug="hoera", email="y@example.nl", client_address="203.0.113.5"
        )
    # then
    assert refused.value.refusal.code == "LOGIN_THROTTLED"
