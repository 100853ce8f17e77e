"""mutation uploadDocument — a planner adds an invoice, contract or statement for a parent."""

from __future__ import annotations

from models import Document, Event, MediaKind
from schema.ids import to_global_id
from tests import factories
from tests.publication_samples import ready_file

UPLOAD = """
mutation($input: UploadDocumentInput!) { uploadDocument(input: $input) {
  __typename
  ... on DocumentPayload { document { id kind title number periodStart periodEnd amountCents
                                      amountFormatted status year file { filename } } }
  ... on Refused { code field messageNl messageEn }
} }"""


async def invoice_input(t, **changes) -> dict:
    file = await ready_file(t.planner)
    values = {
        "ownerId": to_global_id("User", t.parent.id),
        "kind": "INVOICE",
        "title": "Factuur november",
        "mediaId": to_global_id("Media", file.id),
        "number": "F2026-0117",
        "periodStart": "2026-11-01",
        "periodEnd": "2026-11-30",
        "amountCents": 98765,
    }
    return {"input": {**values, **changes}}


async def test_a_planner_uploads_an_invoice_for_a_parent(db, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.planner)
    # when
    result = await gql(UPLOAD, await invoice_input(t), token=token)
    # then
    doc = result["data"]["uploadDocument"]["document"]
    assert doc["kind"] == "INVOICE" and doc["status"] == "OPEN"
    assert (doc["number"], doc["amountCents"], doc["amountFormatted"]) == (
        "F2026-0117",
        98765,
        "€ 987,65",
    )
    assert doc["file"] == {"filename": "bijlage.pdf"}
    event = await Event.get(type="document.added")
    assert event.topic == f"user:{t.parent.id}"


async def test_an_english_speaking_planner_gets_the_amount_in_english(db, gql):
    # given
    t = await factories.tenant()
    t.planner.locale = "en"
    await t.planner.save()
    token = await factories.token_for(t.planner)
    # when
    result = await gql(UPLOAD, await invoice_input(t), token=token)
    # then
    assert result["data"]["uploadDocument"]["document"]["amountFormatted"] == "€987.65"


async def test_an_invoice_without_a_period_is_refused(db, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.planner)
    # when
    result = await gql(UPLOAD, await invoice_input(t, periodEnd=None), token=token)
    # then
    refused = result["data"]["uploadDocument"]
    assert (refused["code"], refused["field"]) == ("PERIOD_REQUIRED", "periodEnd")
    assert await Document.all().count() == 0


async def test_an_annual_statement_needs_a_year(db, gql):
    # given
    t = await factories.tenant()
    file = await ready_file(t.planner)
    token = await factories.token_for(t.planner)
    # when
    result = await gql(
        UPLOAD,
        {
            "input": {
                "ownerId": to_global_id("User", t.parent.id),
                "kind": "ANNUAL_STATEMENT",
                "title": "Jaaropgave",
                "mediaId": to_global_id("Media", file.id),
            }
        },
        token=token,
    )
    # then
    assert result["data"]["uploadDocument"]["code"] == "YEAR_REQUIRED"


async def test_the_owner_must_be_a_parent_of_the_planners_organisation(db, gql):
    # given
    t = await factories.tenant()
    other = await factories.tenant("zonnestraal")
    token = await factories.token_for(t.planner)
    # when
    foreign = await gql(
        UPLOAD, await invoice_input(t, ownerId=to_global_id("User", other.parent.id)), token=token
    )
    staff = await gql(
        UPLOAD, await invoice_input(t, ownerId=to_global_id("User", t.staff.id)), token=token
    )
    # then
    assert foreign["data"]["uploadDocument"]["code"] == "OWNER_NOT_A_PARENT"
    assert staff["data"]["uploadDocument"]["code"] == "OWNER_NOT_A_PARENT"
    assert await Document.all().count() == 0


async def test_a_file_of_another_organisation_cannot_be_used(db, gql):
    # given
    t = await factories.tenant()
    other = await factories.tenant("zonnestraal")
    foreign_file = await ready_file(other.planner, MediaKind.DOCUMENT)
    token = await factories.token_for(t.planner)
    # when
    result = await gql(
        UPLOAD,
        await invoice_input(t, mediaId=to_global_id("Media", foreign_file.id)),
        token=token,
    )
    # then
    assert result["data"]["uploadDocument"]["code"] == "MEDIA_NOT_FOUND"


async def test_a_parent_may_not_upload_documents(db, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.parent)
    # when
    result = await gql(UPLOAD, await invoice_input(t), token=token)
    # then
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await Document.all().count() == 0
