"""mutation updateNewsletter — edits are sanitised like new letters."""

from __future__ import annotations

from schema.ids import to_global_id
from services import newsletters
from tests import factories
from tests.publication_samples import principal_of

UPDATE = """
mutation($input: UpdateNewsletterInput!) { updateNewsletter(input: $input) {
  __typename
  ... on NewsletterPayload { newsletter { title html location { name } } }
  ... on Refused { code field }
} }"""


async def published(t):
    return await newsletters.publish(
        await principal_of(t.planner), title="Brief", html="<p>Oud</p>"
    )


async def test_an_edit_is_sanitised_and_other_fields_stay(db, gql):
    # given
    t = await factories.tenant()
    letter = await published(t)
    token = await factories.token_for(t.planner)
    # when
    result = await gql(
        UPDATE,
        {
            "input": {
                "id": to_global_id("Newsletter", letter.id),
                "html": '<p>Nieuw</p><img src=x onerror="alert(1)">',
                "locationId": to_global_id("Location", t.location.id),
            }
        },
        token=token,
    )
    # then
    assert result["data"]["updateNewsletter"]["newsletter"] == {
        "title": "Brief",
        "html": "<p>Nieuw</p>",
        "location": {"name": "De Boomgaard"},
    }


async def test_a_too_long_title_is_refused(db, gql):
    # given
    t = await factories.tenant()
    letter = await published(t)
    token = await factories.token_for(t.planner)
    # when
    result = await gql(
        UPDATE,
        {"input": {"id": to_global_id("Newsletter", letter.id), "title": "x" * 201}},
        token=token,
    )
    # then
    assert result["data"]["updateNewsletter"] == {
        "__typename": "Refused",
        "code": "TITLE_TOO_LONG",
        "field": "title",
    }


async def test_another_organisations_planner_gets_not_found(db, gql):
    # given
    t = await factories.tenant()
    other = await factories.tenant("zonnestraal")
    letter = await published(t)
    token = await factories.token_for(other.planner)
    # when
    result = await gql(
        UPDATE, {"input": {"id": to_global_id("Newsletter", letter.id), "title": "X"}}, token=token
    )
    # then
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"
