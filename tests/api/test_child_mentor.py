"""Child.mentor — the mentor of the placement running today, with name and photo."""

from __future__ import annotations

from datetime import timedelta

from models import Placement, Role
from schema.ids import to_global_id
from services import clock
from tests import factories, timeline_samples

MENTOR = """
query($id: ID!) {
  node(id: $id) { ... on Child { mentor { name firstName photo { url thumbnailUrl } } } }
}"""


async def mentor_of(gql, token, child):
    result = await gql(MENTOR, {"id": to_global_id("Child", child.id)}, token=token)
    assert "errors" not in result, result
    return result["data"]["node"] and result["data"]["node"]["mentor"]


async def test_a_parent_sees_the_mentor_with_a_photo(db, gql, client):
    # given
    t = await factories.tenant()
    photo = await timeline_samples.stored_photo(t.staff)
    t.staff.photo = photo
    await t.staff.save()
    await Placement.filter(child_id=t.child.id).update(mentor_id=t.staff.id)
    token = await factories.token_for(t.parent)
    # when
    mentor = await mentor_of(gql, token, t.child)
    response = await client.get(
        mentor["photo"]["url"], headers={"Authorization": f"Bearer {token}"}
    )
    # then
    assert mentor["name"] == f"{t.staff.first_name} {t.staff.last_name}"
    assert response.status_code == 200


async def test_the_mentor_of_a_future_placement_is_not_the_mentor_yet(db, gql):
    # given
    t = await factories.tenant()
    future_mentor = await factories.user(t.org, Role.STAFF)
    await factories.placement(
        t.child, t.bso, start=clock.today() + timedelta(days=10), mentor=future_mentor
    )
    token = await factories.token_for(t.parent)
    # when
    mentor = await mentor_of(gql, token, t.child)
    # then
    assert mentor is None


async def test_a_mentor_without_a_photo(db, gql):
    # given
    t = await factories.tenant()
    await Placement.filter(child_id=t.child.id).update(mentor_id=t.staff.id)
    token = await factories.token_for(t.parent)
    # when
    mentor = await mentor_of(gql, token, t.child)
    # then
    assert mentor["photo"] is None and mentor["firstName"] == t.staff.first_name


async def test_the_mentor_of_another_parents_child_is_not_reachable(db, gql):
    # given
    t = await factories.tenant()
    await Placement.filter(child_id=t.other_child.id).update(mentor_id=t.staff.id)
    token = await factories.token_for(t.parent)
    # when
    mentor = await mentor_of(gql, token, t.other_child)
    # then
    assert mentor is None
