"""mutation inviteParent"""

from __future__ import annotations

from models import Guardianship, User
from schema.ids import to_global_id
from services.notifications import dispatch
from tests import factories, notification_helpers

smtp = notification_helpers.smtp

INVITE = """
mutation($input: InviteParentInput!) {
  inviteParent(input: $input) {
    __typename
    ... on ParentInvited { user { email name } reusedAccount expiresAt }
    ... on Refused { code field }
  }
}"""


def data(t, **overrides) -> dict:
    return {
        "input": {
            "email": "fenna@example.nl",
            "firstName": "Fenna",
            "lastName": "de Vries",
            "childIds": [to_global_id("Child", t.child.id)],
            "locale": "en",
            **overrides,
        }
    }


async def test_a_planner_invites_a_parent_and_a_mail_goes_out(db, gql, smtp):
    # given
    t = await factories.tenant()
    # when
    result = await gql(INVITE, data(t), token=await factories.token_for(t.planner))
    await dispatch.deliver_once()
    # then
    invited = result["data"]["inviteParent"]
    assert invited["__typename"] == "ParentInvited"
    assert invited["user"]["email"] == "fenna@example.nl" and invited["reusedAccount"] is False
    [mail] = smtp.to("fenna@example.nl")
    assert mail["Subject"] == "Welcome to Kinderopvang Hoera"
    user = await User.get(email="fenna@example.nl")
    assert await Guardianship.filter(user_id=user.id, child_id=t.child.id).exists()


async def test_a_bad_address_is_refused(db, gql):
    t = await factories.tenant()
    result = await gql(
        INVITE, data(t, email="geen-adres"), token=await factories.token_for(t.planner)
    )
    assert result["data"]["inviteParent"] == {
        "__typename": "Refused",
        "code": "INVALID_EMAIL",
        "field": "email",
    }


async def test_a_parent_may_not_invite(db, gql):
    t = await factories.tenant()
    result = await gql(INVITE, data(t), token=await factories.token_for(t.parent))
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert not await User.filter(email="fenna@example.nl").exists()


async def test_a_child_of_another_organisation_is_not_found(db, gql):
    t = await factories.tenant()
    other = await factories.tenant("zonnetje")
    result = await gql(
        INVITE,
        data(t, childIds=[to_global_id("Child", other.child.id)]),
        token=await factories.token_for(t.planner),
    )
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert not await User.filter(email="fenna@example.nl").exists()
