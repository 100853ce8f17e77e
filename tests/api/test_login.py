"""mutation login"""

from __future__ import annotations

from tests import factories
from tests.factories import PASSWORD

LOGIN = """
mutation($org: String!, $email: String!, $password: String!) {
  login(input: {organisation: $org, email: $email, password: $password}) {
    __typename
    ... on LoginSuccess { token expiresAt user { email role } }
    ... on Refused { code message messageNl messageEn retryAfterSeconds }
  }
}"""


async def test_a_parent_logs_in_and_the_token_opens_the_viewer(db, gql):
    # given
    t = await factories.tenant()
    # when
    result = await gql(LOGIN, {"org": "hoera", "email": t.parent.email, "password": PASSWORD})
    # then
    login = result["data"]["login"]
    assert login["__typename"] == "LoginSuccess"
    assert login["user"] == {"email": t.parent.email, "role": "PARENT"}
    viewer = await gql("{ viewer { user { email } } }", token=login["token"])
    assert viewer["data"]["viewer"]["user"]["email"] == t.parent.email


async def test_a_wrong_password_is_a_coded_refusal_in_dutch_and_english(db, gql):
    # given
    t = await factories.tenant()
    # when
    result = await gql(LOGIN, {"org": "hoera", "email": t.parent.email, "password": "nope"})
    # then
    login = result["data"]["login"]
    assert login["__typename"] == "Refused"
    assert login["code"] == "INVALID_CREDENTIALS"
    assert "wachtwoord" in login["messageNl"] and "password" in login["messageEn"]
    assert login["message"] == login["messageNl"]


async def test_repeated_failures_are_throttled_with_a_retry_time(db, gql):
    # given
    t = await factories.tenant()
    for _ in range(5):
        await gql(LOGIN, {"org": "hoera", "email": t.parent.email, "password": "nope"})
    # when
    result = await gql(LOGIN, {"org": "hoera", "email": t.parent.email, "password": PASSWORD})
    # then
    login = result["data"]["login"]
    assert login["code"] == "LOGIN_THROTTLED"
    assert login["retryAfterSeconds"] > 0


async def test_a_login_of_another_organisation_does_not_work_with_this_slug(db, gql):
    # given
    await factories.tenant("hoera")
    other = await factories.tenant("zonnestraal")
    # when
    result = await gql(LOGIN, {"org": "hoera", "email": other.parent.email, "password": PASSWORD})
    # then
    assert result["data"]["login"]["code"] == "INVALID_CREDENTIALS"
