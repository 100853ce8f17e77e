"""mutation acceptInvitation"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from services import auth, clock, invitations
from services.notifications import dispatch
from tests import factories, notification_helpers
from tests.notification_helpers import parts

smtp = notification_helpers.smtp

ACCEPT = """
mutation($token: String!, $password: String!) {
  acceptInvitation(input: {token: $token, password: $password}) {
    __typename
    ... on LoginSuccess { token user { email } }
    ... on Refused { code messageEn }
  }
}"""


async def invited_token(t, smtp) -> str:
    planner = await auth.authenticate(await factories.token_for(t.planner))
    await invitations.invite_parent(
        planner,
        email="fenna@example.nl",
        first_name="Fenna",
        last_name="de Vries",
        child_ids=[t.child.id],
    )
    await dispatch.deliver_once()
    text, _ = parts(smtp.to("fenna@example.nl")[0])
    return re.search(r"token=([A-Za-z0-9_-]+)", text).group(1)


async def test_the_link_sets_the_password_and_logs_in(db, gql, smtp):
    # given
    t = await factories.tenant()
    token = await invited_token(t, smtp)
    # when
    result = await gql(ACCEPT, {"token": token, "password": "mijn-eigen-wachtwoord"})
    # then
    accepted = result["data"]["acceptInvitation"]
    assert accepted["__typename"] == "LoginSuccess"
    viewer = await gql("{ viewer { user { email } } }", token=accepted["token"])
    assert viewer["data"]["viewer"]["user"]["email"] == "fenna@example.nl"


async def test_an_expired_link_is_refused(db, gql, smtp):
    # given
    t = await factories.tenant()
    token = await invited_token(t, smtp)
    later = datetime.now(UTC) + timedelta(days=15)
    clock.set_clock(lambda: later)
    # when
    result = await gql(ACCEPT, {"token": token, "password": "mijn-eigen-wachtwoord"})
    # then
    assert result["data"]["acceptInvitation"]["code"] == "INVITATION_EXPIRED"


async def test_a_used_link_and_a_weak_password_are_refused(db, gql, smtp):
    # given
    t = await factories.tenant()
    token = await invited_token(t, smtp)
    # when
    weak = await gql(ACCEPT, {"token": token, "password": "kort"})
    ok = await gql(ACCEPT, {"token": token, "password": "mijn-eigen-wachtwoord"})
    used = await gql(ACCEPT, {"token": token, "password": "mijn-eigen-wachtwoord"})
    # then
    assert weak["data"]["acceptInvitation"]["code"] == "WEAK_PASSWORD"
    assert ok["data"]["acceptInvitation"]["__typename"] == "LoginSuccess"
    assert used["data"]["acceptInvitation"]["code"] == "INVITATION_USED"


async def test_an_unknown_token_is_invalid(db, gql):
    result = await gql(ACCEPT, {"token": "bestaat-niet", "password": "mijn-eigen-wachtwoord"})
    assert result["data"]["acceptInvitation"]["code"] == "INVITATION_INVALID"
