"""mutation changePassword"""

from __future__ import annotations

from tests import factories
from tests.factories import PASSWORD

CHANGE = """
mutation($old: String!, $new: String!) {
  changePassword(input: {oldPassword: $old, newPassword: $new}) {
    __typename
    ... on PasswordChanged { otherSessionsRevoked }
    ... on Refused { code messageEn }
  }
}"""


async def test_changing_the_password_logs_out_other_devices(db, gql):
    # given
    t = await factories.tenant()
    phone = await factories.token_for(t.parent)
    laptop = await factories.token_for(t.parent)
    # when
    result = await gql(CHANGE, {"old": PASSWORD, "new": "een-nieuw-wachtwoord"}, token=phone)
    # then
    assert result["data"]["changePassword"] == {
        "__typename": "PasswordChanged",
        "otherSessionsRevoked": True,
    }
    assert (await gql("{ viewer { user { email } } }", token=laptop))["data"]["viewer"] is None
    assert (await gql("{ viewer { user { email } } }", token=phone))["data"]["viewer"] is not None


async def test_a_wrong_old_password_is_refused(db, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.parent)
    # when
    result = await gql(CHANGE, {"old": "guess", "new": "een-nieuw-wachtwoord"}, token=token)
    # then
    assert result["data"]["changePassword"]["code"] == "WRONG_PASSWORD"


async def test_a_too_short_new_password_is_refused(db, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.parent)
    # when
    result = await gql(CHANGE, {"old": PASSWORD, "new": "kort"}, token=token)
    # then
    assert result["data"]["changePassword"]["code"] == "WEAK_PASSWORD"


async def test_changing_a_password_needs_a_session(db, gql):
    # when
    result = await gql(CHANGE, {"old": PASSWORD, "new": "een-nieuw-wachtwoord"})
    # then
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
