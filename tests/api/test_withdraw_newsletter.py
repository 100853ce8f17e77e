"""mutation withdrawNewsletter — out of every feed, once."""

from __future__ import annotations

from schema.ids import to_global_id
from services import newsletters
from tests import factories
from tests.publication_samples import principal_of

WITHDRAW = """
mutation($id: ID!) { withdrawNewsletter(id: $id) {
  __typename
  ... on NewsletterPayload { newsletter { status } }
  ... on Refused { code }
} }"""

FEED = "{ viewer { newsletters { edges { node { title } } } } }"


async def test_a_withdrawn_newsletter_leaves_the_feed_and_cannot_be_withdrawn_again(db, gql):
    # given
    t = await factories.tenant()
    letter = await newsletters.publish(await principal_of(t.planner), title="B", html="<p>x</p>")
    token = await factories.token_for(t.planner)
    # when
    first = await gql(WITHDRAW, {"id": to_global_id("Newsletter", letter.id)}, token=token)
    again = await gql(WITHDRAW, {"id": to_global_id("Newsletter", letter.id)}, token=token)
    feed = await gql(FEED, token=await factories.token_for(t.parent))
    # then
    assert first["data"]["withdrawNewsletter"]["newsletter"]["status"] == "WITHDRAWN"
    assert again["data"]["withdrawNewsletter"]["code"] == "ALREADY_WITHDRAWN"
    assert feed["data"]["viewer"]["newsletters"]["edges"] == []


async def test_a_parent_may_not_withdraw_a_newsletter(db, gql):
    # given
    t = await factories.tenant()
    letter = await newsletters.publish(await principal_of(t.planner), title="B", html="<p>x</p>")
    token = await factories.token_for(t.parent)
    # when
    result = await gql(WITHDRAW, {"id": to_global_id("Newsletter", letter.id)}, token=token)
    # then
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
