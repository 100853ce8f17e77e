"""mutation logout"""

from __future__ import annotations

from tests import factories


async def test_logout_ends_the_session(db, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.parent)
    # when
    result = await gql("mutation { logout }", token=token)
    # then
    assert result["data"]["logout"] is True
    after = await gql("{ viewer { user { email } } }", token=token)
    assert after["data"]["viewer"] is None


async def test_logout_without_a_session_is_unauthenticated(db, gql):
    # when
    result = await gql("mutation { logout }")
    # then
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
