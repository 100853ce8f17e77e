"""Document rules: what each kind needs, who may add them, who sees them, the event."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from models import Document, DocumentKind, Event, MediaKind
from services import clock, documents, media_access
from services.documents import InvoiceStatus, NewDocument
from services.errors import AccessDenied, RefusedError
from services.publishing import Keyset
from tests import factories
from tests.publication_samples import principal_of, ready_file

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_clock():
    clock.set_clock(lambda: NOW)
    yield
    clock.set_clock(None)


def invoice(owner_id: int, media_id: int, **changes) -> NewDocument:
    doc = NewDocument(
        owner_id=owner_id,
        kind=DocumentKind.INVOICE,
        title="Factuur november",
        media_id=media_id,
        number="F2026-0117",
        period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 30),
        amount_cents=123456,
    )
    return replace(doc, **changes)


async def test_a_planner_adds_an_invoice_for_a_parent_and_an_event_is_recorded(db):
    # given
    t = await factories.tenant()
    file = await ready_file(t.planner)
    # when
    doc = await documents.upload(await principal_of(t.planner), invoice(t.parent.id, file.id))
    # then
    stored = await Document.get(id=doc.id)
    assert (stored.owner_id, stored.kind, stored.number, stored.amount_cents, stored.status) == (
        t.parent.id,
        DocumentKind.INVOICE,
        "F2026-0117",
        123456,
        "open",
    )
    assert stored.created_at == NOW
    event = await Event.get(type="document.added")
    assert (event.topic, event.payload) == (f"user:{t.parent.id}", {"documentId": doc.id})


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"number": " "}, "NUMBER_REQUIRED", "number"),
        ({"number": "x" * 51}, "NUMBER_TOO_LONG", "number"),
        ({"period_start": None}, "PERIOD_REQUIRED", "periodStart"),
        ({"period_end": None}, "PERIOD_REQUIRED", "periodEnd"),
        ({"period_end": date(2026, 10, 31)}, "INVALID_PERIOD", "periodEnd"),
        ({"amount_cents": None}, "AMOUNT_CENTS_REQUIRED", "amountCents"),
        ({"amount_cents": 10**9}, "INVALID_AMOUNT", "amountCents"),
        ({"year": 2026}, "FIELD_NOT_FOR_KIND", "year"),
        ({"title": ""}, "TITLE_REQUIRED", "title"),
    ],
)
async def test_an_incomplete_invoice_is_refused(db, changes, code, field):
    # given
    t = await factories.tenant()
    file = await ready_file(t.planner)
    # when
    with pytest.raises(RefusedError) as refused:
        await documents.upload(
            await principal_of(t.planner), invoice(t.parent.id, file.id, **changes)
        )
    # then
    assert refused.value.refusal.code == code
    assert refused.value.refusal.details["field"] == field
    assert await Document.all().count() == 0
    assert await Event.all().count() == 0


@pytest.mark.parametrize(
    ("kind", "fields", "code"),
    [
        (DocumentKind.ANNUAL_STATEMENT, {}, "YEAR_REQUIRED"),
        (DocumentKind.ANNUAL_STATEMENT, {"year": 2027}, "INVALID_YEAR"),
        (DocumentKind.ANNUAL_STATEMENT, {"year": 1999}, "INVALID_YEAR"),
        (DocumentKind.CONTRACT, {"signed_on": date(2026, 12, 1)}, "SIGNED_ON_IN_FUTURE"),
        (DocumentKind.CONTRACT, {"status": InvoiceStatus.PAID}, "FIELD_NOT_FOR_KIND"),
        (DocumentKind.OTHER, {"signed_on": date(2026, 1, 1)}, "FIELD_NOT_FOR_KIND"),
    ],
)
async def test_each_kind_gets_what_it_needs(db, kind, fields, code):
    # given
    t = await factories.tenant()
    file = await ready_file(t.planner)
    doc = NewDocument(owner_id=t.parent.id, kind=kind, title="Stuk", media_id=file.id, **fields)
    # when
    with pytest.raises(RefusedError) as refused:
        await documents.upload(await principal_of(t.planner), doc)
    # then
    assert refused.value.refusal.code == code


async def test_a_contract_and_an_annual_statement_of_this_year_are_accepted(db):
    # given
    t = await factories.tenant()
    planner = await principal_of(t.planner)
    first, second = await ready_file(t.planner), await ready_file(t.planner)
    # when
    contract = await documents.upload(
        planner,
        NewDocument(t.parent.id, DocumentKind.CONTRACT, "Contract", first.id,
                    signed_on=date(2026, 11, 30)),
    )  # fmt: skip
    statement = await documents.upload(
        planner, NewDocument(t.parent.id, DocumentKind.ANNUAL_STATEMENT, "Jaaropgave", second.id,
                             year=2026),
    )  # fmt: skip
    # then
    assert (contract.signed_on, contract.status) == (date(2026, 11, 30), "")
    assert statement.year == 2026


async def test_the_owner_must_be_a_parent_of_the_same_organisation(db):
    # given
    t = await factories.tenant()
    other = await factories.tenant("zonnestraal")
    file = await ready_file(t.planner)
    planner = await principal_of(t.planner)
    # when
    with pytest.raises(RefusedError) as staff:
        await documents.upload(planner, invoice(t.staff.id, file.id))
    with pytest.raises(RefusedError) as foreign:
        await documents.upload(planner, invoice(other.parent.id, file.id))
    # then
    assert staff.value.refusal.code == foreign.value.refusal.code == "OWNER_NOT_A_PARENT"


async def test_the_file_must_be_a_ready_document_or_photo_uploaded_by_the_planner(db):
    # given
    t = await factories.tenant()
    video = await ready_file(t.planner, MediaKind.VIDEO)
    someone_elses = await ready_file(t.staff, MediaKind.PHOTO)
    planner = await principal_of(t.planner)
    # when
    with pytest.raises(RefusedError) as wrong_kind:
        await documents.upload(planner, invoice(t.parent.id, video.id))
    with pytest.raises(RefusedError) as not_theirs:
        await documents.upload(planner, invoice(t.parent.id, someone_elses.id))
    # then
    assert wrong_kind.value.refusal.code == "MEDIA_KIND_NOT_ALLOWED"
    assert not_theirs.value.refusal.code == "MEDIA_NOT_FOUND"


async def test_parents_and_staff_cannot_add_documents(db):
    # given
    t = await factories.tenant()
    file = await ready_file(t.planner)
    # when / then
    for user in (t.parent, t.staff):
        with pytest.raises(AccessDenied):
            await documents.upload(await principal_of(user), invoice(t.parent.id, file.id))


async def add(t, owner, kind=DocumentKind.OTHER, title="Stuk", at=NOW) -> Document:
    clock.set_clock(lambda: at)
    file = await ready_file(t.planner)
    if kind is DocumentKind.INVOICE:
        doc = invoice(owner.id, file.id, title=title)
    else:
        doc = NewDocument(owner.id, kind, title, file.id)
    created = await documents.upload(await principal_of(t.planner), doc)
    clock.set_clock(lambda: NOW)
    return created


async def test_a_parent_sees_only_their_own_documents_newest_first_by_kind(db):
    # given
    t = await factories.tenant()
    await add(t, t.parent, DocumentKind.INVOICE, "Oud", NOW - timedelta(days=30))
    await add(t, t.parent, DocumentKind.OTHER, "Brief", NOW - timedelta(days=10))
    await add(t, t.parent, DocumentKind.INVOICE, "Nieuw", NOW - timedelta(days=1))
    await add(t, t.other_parent, DocumentKind.INVOICE, "Van een ander")
    parent = await principal_of(t.parent)
    # when
    everything, _ = await documents.page(parent, kind=None, owner_id=None, size=10)
    invoices, _ = await documents.page(parent, kind=DocumentKind.INVOICE, owner_id=None, size=10)
    # then
    assert [d.title for d in everything] == ["Nieuw", "Brief", "Oud"]
    assert [d.title for d in invoices] == ["Nieuw", "Oud"]


async def test_documents_page_by_keyset(db):
    # given
    t = await factories.tenant()
    for n in range(5):
        await add(t, t.parent, title=f"d{n}", at=NOW - timedelta(days=n % 3))
    parent = await principal_of(t.parent)
    # when
    seen, after = [], None
    while True:
        rows, more = await documents.page(parent, kind=None, owner_id=None, size=2, after=after)
        seen += [r.title for r in rows]
        if not more:
            break
        after = Keyset(rows[-1].created_at, rows[-1].id)
    # then
    assert seen == ["d3", "d0", "d4", "d1", "d2"]


async def test_a_parent_cannot_ask_for_another_owners_documents(db):
    # given
    t = await factories.tenant()
    await add(t, t.other_parent)
    # when / then
    with pytest.raises(AccessDenied):
        await documents.page(
            await principal_of(t.parent), kind=None, owner_id=t.other_parent.id, size=10
        )


async def test_a_planner_sees_the_documents_of_their_organisation_only(db):
    # given
    t = await factories.tenant()
    other = await factories.tenant("zonnestraal")
    mine = await add(t, t.parent, title="Hoera")
    await add(other, other.parent, title="Zonnestraal")
    planner = await principal_of(t.planner)
    # when
    everything, _ = await documents.page(planner, kind=None, owner_id=None, size=10)
    one, _ = await documents.page(planner, kind=None, owner_id=t.other_parent.id, size=10)
    # then
    assert [d.id for d in everything] == [mine.id]
    assert one == []


async def test_the_file_is_readable_by_its_owner_only(db):
    # given
    t = await factories.tenant()
    doc = await add(t, t.parent)
    file = doc.media
    # when
    owner = await media_access.may_read(await principal_of(t.parent), file)
    other = await media_access.may_read(await principal_of(t.other_parent), file)
    staff = await media_access.may_read(await principal_of(t.staff), file)
    # then
    assert (owner, other, staff) == (True, False, False)


@pytest.mark.parametrize(
    ("cents", "nl", "en"),
    [
        (123456, "€ 1.234,56", "€1,234.56"),
        (5, "€ 0,05", "€0.05"),
        (-2500, "-€ 25,00", "-€25.00"),
        (100_000_000, "€ 1.000.000,00", "€1,000,000.00"),
    ],
)
def test_amounts_are_formatted_as_euros(cents, nl, en):
    assert documents.format_euro(cents, "nl") == nl
    assert documents.format_euro(cents, "en") == en
