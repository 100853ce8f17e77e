"""mutation resetPassword"""

from __future__ import annotations

import re

from services import invitations
from services.notifications import dispatch
from tests import factories, notification_helpers
from tests.factories import PASSWORD

smtp = notification_helpers.smtp

RESET = """
mutation($token: String!, $password: String!) {
  resetPassword(input: {token: $token, password: $password}) {
    __typename
    ... on PasswordReset { sessionsRevoked }
    ... on Refused { code }
  }
}"""
LOGIN = """
mutation($password: String!, $email: String!) {
  login(input: {organisation: "hoera", email: $email, password: $password}) { __typename }
}"""


async def reset_token(user, smtp) -> str:
    await invitations.request_password_reset(
        organisation_slug="hoera", email=user.email, client_address="203.0.113.5"
    )
    await dispatch.deliver_once()
    text = smtp.to(user.email)[-1].get_body(("plain",)).get_content()
    return re.search(r"token=([A-Za-z0-9_-]+)", text).group(1)


async def test_the_new_password_works_and_old_sessions_end(db, gql, smtp):
    # given
    t = await factories.tenant()
    session = await factories.token_for(t.parent)
    token = await reset_token(t.parent, smtp)
    # when
    result = await gql(RESET, {"token": token, "password": "een-nieuw-wachtwoord"})
    # then
    assert result["data"]["resetPassword"] == {"__typename": "PasswordReset", "sessionsRevoked": 1}
    assert (await gql("{ viewer { user { email } } }", token=session))["data"]["viewer"] is None
    new = await gql(LOGIN, {"email": t.parent.email, "password": "een-nieuw-wachtwoord"})
    old = await gql(LOGIN, {"email": t.parent.email, "password": PASSWORD})
    assert new["data"]["login"]["__typename"] == "LoginSuccess"
    assert old["data"]["login"]["__typename"] == "Refused"


async def test_a_reset_link_works_once(db, gql, smtp):
    t = await factories.tenant()
    token = await reset_token(t.parent, smtp)
    await gql(RESET, {"token": token, "password": "een-nieuw-wachtwoord"})
    again = await gql(RESET, {"token": token, "password": "nog-een-wachtwoord"})
    assert again["data"]["resetPassword"]["code"] == "INVITATION_USED"
