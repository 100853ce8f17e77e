"""query viewer { documents(kind:) } — a parent's own invoices, contracts and statements."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from models import DocumentKind
from schema.ids import pk_of, to_global_id
from services import clock, documents
from services.documents import InvoiceStatus, NewDocument
from tests import factories, media_samples
from tests.publication_samples import principal_of, ready_file

DOCUMENTS = """
query($kind: DocumentKind, $first: Int, $after: String, $ownerId: ID) {
  viewer { documents(kind: $kind, first: $first, after: $after, ownerId: $ownerId) {
    edges { node {
      id title kind createdAt number periodStart periodEnd amountCents amountFormatted status
      signedOn year file { filename contentType downloadUrl }
    } }
    pageInfo { hasNextPage endCursor }
  } }
}"""

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def nodes(result: dict) -> list[dict]:
    return [e["node"] for e in result["data"]["viewer"]["documents"]["edges"]]


async def add(t, owner, doc_kind, title, at, media_id=None, **fields):
    clock.set_clock(lambda: at)
    if media_id is None:
        media_id = (await ready_file(t.planner)).id
    doc = NewDocument(owner.id, doc_kind, title, media_id, **fields)
    return await documents.upload(await principal_of(t.planner), doc)


async def family_with_documents(t):
    await add(
        t,
        t.parent,
        DocumentKind.CONTRACT,
        "Contract",
        NOW - timedelta(days=300),
        signed_on=date(2026, 1, 20),
    )
    await add(
        t,
        t.parent,
        DocumentKind.ANNUAL_STATEMENT,
        "Jaaropgave 2025",
        NOW - timedelta(days=250),
        year=2025,
    )
    await add(
        t,
        t.parent,
        DocumentKind.INVOICE,
        "Factuur november",
        NOW - timedelta(days=1),
        number="F-117",
        period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 30),
        amount_cents=123456,
        status=InvoiceStatus.PAID,
    )
    await add(t, t.other_parent, DocumentKind.INVOICE, "Van een ander", NOW,
              number="F-118", period_start=date(2026, 11, 1), period_end=date(2026, 11, 30),
              amount_cents=100)  # fmt: skip
    clock.set_clock(lambda: NOW)


async def test_a_parent_lists_their_own_documents_newest_first(db, gql):
    # given
    t = await factories.tenant()
    await family_with_documents(t)
    token = await factories.token_for(t.parent)
    # when
    result = await gql(DOCUMENTS, token=token)
    # then
    docs = nodes(result)
    assert [d["title"] for d in docs] == ["Factuur november", "Jaaropgave 2025", "Contract"]
    invoice, statement, contract = docs
    assert invoice["kind"] == "INVOICE"
    assert (invoice["number"], invoice["periodStart"], invoice["periodEnd"]) == (
        "F-117",
        "2026-11-01",
        "2026-11-30",
    )
    assert (invoice["amountCents"], invoice["amountFormatted"], invoice["status"]) == (
        123456,
        "€ 1.234,56",
        "PAID",
    )
    assert (statement["kind"], statement["year"], statement["amountCents"]) == (
        "ANNUAL_STATEMENT",
        2025,
        None,
    )
    assert (contract["kind"], contract["signedOn"], contract["status"]) == (
        "CONTRACT",
        "2026-01-20",
        None,
    )
    assert invoice["file"]["contentType"] == "application/pdf"


async def test_a_parent_filters_by_kind(db, gql):
    # given
    t = await factories.tenant()
    await family_with_documents(t)
    token = await factories.token_for(t.parent)
    # when
    result = await gql(DOCUMENTS, {"kind": "ANNUAL_STATEMENT"}, token=token)
    # then
    assert [d["title"] for d in nodes(result)] == ["Jaaropgave 2025"]


async def test_a_parent_cannot_list_another_parents_documents(db, gql):
    # given
    t = await factories.tenant()
    await family_with_documents(t)
    token = await factories.token_for(t.parent)
    # when
    result = await gql(DOCUMENTS, {"ownerId": to_global_id("User", t.other_parent.id)}, token=token)
    # then
    assert result["data"] is None or result["data"]["viewer"] is None
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_planner_lists_the_documents_of_one_parent(db, gql):
    # given
    t = await factories.tenant()
    await family_with_documents(t)
    token = await factories.token_for(t.planner)
    # when
    result = await gql(DOCUMENTS, {"ownerId": to_global_id("User", t.other_parent.id)}, token=token)
    # then
    assert [d["title"] for d in nodes(result)] == ["Van een ander"]


async def test_documents_page_with_cursors(db, gql):
    # given
    t = await factories.tenant()
    await family_with_documents(t)
    token = await factories.token_for(t.parent)
    # when
    first = await gql(DOCUMENTS, {"first": 2}, token=token)
    cursor = first["data"]["viewer"]["documents"]["pageInfo"]["endCursor"]
    rest = await gql(DOCUMENTS, {"first": 2, "after": cursor}, token=token)
    # then
    assert [d["title"] for d in nodes(first)] == ["Factuur november", "Jaaropgave 2025"]
    assert [d["title"] for d in nodes(rest)] == ["Contract"]


async def test_the_owner_downloads_the_file_and_nobody_else_can(db, client, gql):
    # given
    t = await factories.tenant()
    planner_token = await factories.token_for(t.planner)
    media_id = await media_samples.upload(
        client, gql, planner_token, media_samples.pdf(), kind="DOCUMENT",
        content_type="application/pdf", filename="Jaaropgave 2025.pdf",
    )  # fmt: skip
    await add(t, t.parent, DocumentKind.ANNUAL_STATEMENT, "Jaaropgave 2025", NOW,
              media_id=pk_of(media_id, "Media"), year=2025)  # fmt: skip
    clock.set_clock(None)
    token = await factories.token_for(t.parent)
    other_token = await factories.token_for(t.other_parent)
    # when
    [doc] = nodes(await gql(DOCUMENTS, token=token))
    url = doc["file"]["downloadUrl"]
    mine = await client.get(url, headers={"Authorization": f"Bearer {token}"})
    copied = await client.get(url, headers={"Authorization": f"Bearer {other_token}"})
    # then
    assert mine.status_code == 200
    assert mine.content == media_samples.pdf()
    assert 'filename="Jaaropgave 2025.pdf"' in mine.headers["content-disposition"]
    assert copied.status_code == 403
