"""query viewer"""

from __future__ import annotations

from tests import factories

CHILDREN = """
query($first: Int, $after: String) {
  viewer {
    user { email role name }
    children(first: $first, after: $after) {
      edges { cursor node { id firstName lastName birthDate } }
      pageInfo { hasNextPage endCursor }
    }
  }
}"""


async def names(result: dict) -> list[str]:
    return [e["node"]["firstName"] for e in result["data"]["viewer"]["children"]["edges"]]


async def test_the_viewer_is_null_without_a_token(db, gql):
    assert (await gql("{ viewer { user { email } } }"))["data"]["viewer"] is None


async def test_a_bad_token_is_treated_as_not_logged_in(db, gql):
    result = await gql("{ viewer { user { email } } }", token="made-up")
    assert result["data"]["viewer"] is None


async def test_a_parent_sees_their_own_children(db, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.parent)
    # when
    result = await gql(CHILDREN, token=token)
    # then
    assert sorted(await names(result)) == ["Noor", "Sam"]
    assert result["data"]["viewer"]["user"]["role"] == "PARENT"


async def test_staff_see_the_children_of_their_group(db, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.staff)
    # when
    result = await gql(CHILDREN, token=token)
    # then
    assert sorted(await names(result)) == ["Daan", "Sam"]


async def test_children_page_with_cursors(db, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.planner)
    # when
    first = await gql(CHILDREN, {"first": 3}, token=token)
    page = first["data"]["viewer"]["children"]
    rest = await gql(CHILDREN, {"first": 3, "after": page["pageInfo"]["endCursor"]}, token=token)
    # then
    assert page["pageInfo"]["hasNextPage"] is True
    assert len(page["edges"]) == 3
    assert len(rest["data"]["viewer"]["children"]["edges"]) == 1
    assert rest["data"]["viewer"]["children"]["pageInfo"]["hasNextPage"] is False
    everyone = await names(first) + await names(rest)
    assert sorted(everyone) == ["Daan", "Lotte", "Noor", "Sam"]


async def test_page_size_is_capped_at_one_hundred(db, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.planner)
    for _ in range(101):
        await factories.child(t.org, grp=t.babies)
    # when
    result = await gql(CHILDREN, {"first": 500}, token=token)
    # then
    assert len(result["data"]["viewer"]["children"]["edges"]) == 100
    assert result["data"]["viewer"]["children"]["pageInfo"]["hasNextPage"] is True


async def test_a_forged_cursor_is_bad_input(db, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.parent)
    # when
    result = await gql(CHILDREN, {"after": "!!!not-a-cursor"}, token=token)
    # then
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
