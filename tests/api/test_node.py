"""query node(id:) — tenant isolation and access checks through global IDs."""

from __future__ import annotations

from schema.ids import to_global_id
from tests import factories

NODE = """query($id: ID!) { node(id: $id) { __typename id ... on Child { firstName } } }"""


async def test_a_parent_fetches_their_own_child_by_global_id(db, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.parent)
    # when
    result = await gql(NODE, {"id": to_global_id("Child", t.child.id)}, token=token)
    # then
    assert result["data"]["node"]["firstName"] == "Sam"


async def test_a_parent_gets_null_for_another_parents_child(db, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.parent)
    # when
    result = await gql(NODE, {"id": to_global_id("Child", t.other_child.id)}, token=token)
    # then
    assert result["data"]["node"] is None


async def test_staff_get_null_for_a_child_of_another_group(db, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.staff)
    # when
    result = await gql(NODE, {"id": to_global_id("Child", t.bso_child.id)}, token=token)
    # then
    assert result["data"]["node"] is None


async def test_a_planner_gets_null_for_a_child_of_another_organisation(db, gql):
    # given
    await factories.tenant("hoera")
    other = await factories.tenant("zonnestraal")
    hoera_planner = (await factories.tenant("klavertje")).planner
    token = await factories.token_for(hoera_planner)
    # when
    result = await gql(NODE, {"id": to_global_id("Child", other.child.id)}, token=token)
    # then
    assert result["data"]["node"] is None


async def test_a_user_of_another_organisation_is_not_reachable(db, gql):
    # given
    t = await factories.tenant("hoera")
    other = await factories.tenant("zonnestraal")
    token = await factories.token_for(t.planner)
    # when
    own = await gql(NODE, {"id": to_global_id("User", t.parent.id)}, token=token)
    foreign = await gql(NODE, {"id": to_global_id("User", other.parent.id)}, token=token)
    # then
    assert own["data"]["node"]["__typename"] == "User"
    assert foreign["data"]["node"] is None


async def test_a_parent_cannot_look_up_other_users(db, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.parent)
    # when
    result = await gql(NODE, {"id": to_global_id("User", t.staff.id)}, token=token)
    # then
    assert result["data"]["node"] is None


async def test_nothing_is_reachable_without_a_session(db, gql):
    # given
    t = await factories.tenant()
    # when
    result = await gql(NODE, {"id": to_global_id("Child", t.child.id)})
    # then
    assert result["data"]["node"] is None


async def test_a_garbage_id_is_bad_input(db, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.parent)
    # when
    result = await gql(NODE, {"id": "not-an-id"}, token=token)
    # then
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
