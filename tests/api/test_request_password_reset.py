"""mutation requestPasswordReset"""

from __future__ import annotations

from services.notifications import dispatch
from tests import factories, notification_helpers

smtp = notification_helpers.smtp

REQUEST = """
mutation($org: String!, $email: String!) {
  requestPasswordReset(input: {organisation: $org, email: $email}) {
    __typename
    ... on PasswordResetRequested { message }
    ... on Refused { code }
  }
}"""


async def test_the_answer_is_the_same_with_or_without_an_account(db, gql, smtp):
    # given
    t = await factories.tenant()
    # when
    known = await gql(REQUEST, {"org": "hoera", "email": t.parent.email})
    unknown = await gql(REQUEST, {"org": "hoera", "email": "niemand@example.nl"})
    other_org = await gql(REQUEST, {"org": "bestaat-niet", "email": t.parent.email})
    await dispatch.deliver_once()
    # then: identical answers (and costs; only the caller's budget left differs), one mail,
    # to the real account
    answers = [
        {key: value for key, value in r.items() if key != "extensions"}
        for r in (known, unknown, other_org)
    ]
    assert answers[0] == answers[1] == answers[2]
    costs = {r["extensions"]["cost"]["requestedQueryCost"] for r in (known, unknown, other_org)}
    assert len(costs) == 1
    assert known["data"]["requestPasswordReset"]["__typename"] == "PasswordResetRequested"
    assert [m["To"] for m in smtp.messages] == [t.parent.email]
    assert "/reset-password?token=" in smtp.messages[0].get_body(("plain",)).get_content()


async def test_one_client_asking_too_often_is_throttled(db, gql, smtp):
    # given
    await factories.tenant()
    for n in range(20):
        await gql(REQUEST, {"org": "hoera", "email": f"x{n}@example.nl"})
    # when
    result = await gql(REQUEST, {"org": "hoera", "email": "y@example.nl"})
    # then
    assert result["data"]["requestPasswordReset"]["code"] == "LOGIN_THROTTLED"
