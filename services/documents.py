"""Per-parent documents: invoices, contracts, annual statements and others.

A parent sees only their own documents. Planners and admins upload them for a parent of
their organisation (and see every document of it). What a document must carry depends on
its kind: an invoice a number, a period and an amount; an annual statement a year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from models import Document, DocumentKind, MediaFile, MediaKind, Role, User
from services import clock, events, media, publishing
from services.errors import AccessDenied
from services.events import DomainEvent, NullPublisher, Publisher
from services.media_access import register_read_rule
from services.principal import Principal
from services.publishing import Keyset, refuse

FILE_KINDS = (MediaKind.DOCUMENT, MediaKind.PHOTO)
NUMBER_MAX = 50
AMOUNT_MAX_CENTS = 100_000_000  # a million euro: anything above is a typing error


class InvoiceStatus(StrEnum):
    OPEN = "open"
    PAID = "paid"
    OVERDUE = "overdue"


@dataclass(frozen=True, slots=True)
class NewDocument:
    owner_id: int
    kind: DocumentKind
    title: str
    media_id: int
    number: str | None = None
    period_start: date | None = None
    period_end: date | None = None
    amount_cents: int | None = None
    status: InvoiceStatus | None = None
    signed_on: date | None = None
    year: int | None = None


# Which optional fields each kind may carry.
_FIELDS_OF_KIND: dict[DocumentKind, set[str]] = {
    DocumentKind.INVOICE: {"number", "period_start", "period_end", "amount_cents", "status"},
    DocumentKind.CONTRACT: {"signed_on"},
    DocumentKind.ANNUAL_STATEMENT: {"year", "amount_cents"},  # the amount: total paid
    DocumentKind.OTHER: set(),
}
_INPUT_NAMES = {
    "number": "number",
    "period_start": "periodStart",
    "period_end": "periodEnd",
    "amount_cents": "amountCents",
    "status": "status",
    "signed_on": "signedOn",
    "year": "year",
}


def _missing(field: str, nl: str, en: str):
    return refuse(f"{field.upper()}_REQUIRED", nl, en, _INPUT_NAMES[field])


def _check_invoice(doc: NewDocument) -> None:
    if not (doc.number or "").strip():
        raise _missing("number", "Geef het factuurnummer op.", "The invoice number is required.")
    if len(doc.number.strip()) > NUMBER_MAX:  # type: ignore[union-attr]
        raise refuse(
            "NUMBER_TOO_LONG",
            f"Het factuurnummer mag hoogstens {NUMBER_MAX} tekens lang zijn.",
            f"The invoice number may be at most {NUMBER_MAX} characters long.",
            "number",
        )
    if doc.period_start is None or doc.period_end is None:
        raise refuse(
            "PERIOD_REQUIRED",
            "Geef de periode van de factuur op.",
            "The invoice period is required.",
            "periodStart" if doc.period_start is None else "periodEnd",
        )
    if doc.period_end < doc.period_start:
        raise refuse(
            "INVALID_PERIOD",
            "De periode eindigt voor ze begint.",
            "The period ends before it starts.",
            "periodEnd",
        )
    if doc.amount_cents is None:
        raise _missing("amount_cents", "Geef het bedrag op.", "The amount is required.")


def _check_contract(doc: NewDocument, today: date) -> None:
    if doc.signed_on is not None and doc.signed_on > today:
        raise refuse(
            "SIGNED_ON_IN_FUTURE",
            "De ondertekendatum ligt in de toekomst.",
            "The signing date lies in the future.",
            "signedOn",
        )


def _check_annual_statement(doc: NewDocument, today: date) -> None:
    if doc.year is None:
        raise _missing("year", "Geef het jaar op.", "The year is required.")
    if not 2000 <= doc.year <= today.year:
        raise refuse(
            "INVALID_YEAR",
            "Een jaaropgave gaat over een afgelopen of het lopende jaar.",
            "An annual statement is about a past or the current year.",
            "year",
        )


def validate(doc: NewDocument, today: date) -> None:
    """Refuse what does not fit the kind: missing required fields, fields of another kind."""
    allowed = _FIELDS_OF_KIND[doc.kind]
    for name in _INPUT_NAMES:
        if name not in allowed and getattr(doc, name) is not None:
            raise refuse(
                "FIELD_NOT_FOR_KIND",
                "Dit gegeven hoort niet bij dit soort document.",
                "This field does not belong to this kind of document.",
                _INPUT_NAMES[name],
            )
    if doc.amount_cents is not None and abs(doc.amount_cents) > AMOUNT_MAX_CENTS:
        raise refuse(
            "INVALID_AMOUNT", "Dit bedrag kan niet kloppen.", "This amount is implausible.",
            "amountCents",
        )  # fmt: skip
    if doc.kind is DocumentKind.INVOICE:
        _check_invoice(doc)
    elif doc.kind is DocumentKind.CONTRACT:
        _check_contract(doc, today)
    elif doc.kind is DocumentKind.ANNUAL_STATEMENT:
        _check_annual_statement(doc, today)


async def _check_owner(principal: Principal, owner_id: int) -> User:
    owner = await User.get_or_none(id=owner_id, organisation_id=principal.organisation_id)
    if owner is None or owner.role is not Role.PARENT:
        raise refuse(
            "OWNER_NOT_A_PARENT",
            "Documenten zijn voor ouders van uw organisatie.",
            "Documents are for parents of your organisation.",
            "ownerId",
        )
    return owner


async def upload(
    principal: Principal, doc: NewDocument, publisher: Publisher | None = None
) -> Document:
    """A planner adds a document (an uploaded, ready file) for a parent."""
    publishing.require_back_office(principal)
    title = publishing.clean_title(doc.title)
    await _check_owner(principal, doc.owner_id)
    validate(doc, clock.today())
    await media.ready_media_for(principal, [doc.media_id], set(FILE_KINDS))
    is_invoice = doc.kind is DocumentKind.INVOICE
    async with in_transaction() as conn:
        row = await Document.create(
            organisation_id=principal.organisation_id,
            owner_id=doc.owner_id,
            kind=doc.kind,
            title=title,
            media_id=doc.media_id,
            number=(doc.number or "").strip(),
            period_start=doc.period_start,
            period_end=doc.period_end,
            amount_cents=doc.amount_cents,
            status=(doc.status or InvoiceStatus.OPEN).value if is_invoice else "",
            signed_on=doc.signed_on,
            year=doc.year,
            created_at=clock.now(),
            using_db=conn,
        )
        event = await events.record(
            DomainEvent(
                "document.added",
                f"user:{doc.owner_id}",
                principal.organisation_id,
                {"documentId": row.id},
            ),
            conn,
        )
    await (publisher or NullPublisher()).publish(event)  # after commit
    return await Document.get(id=row.id).select_related("media")


def _scope(principal: Principal, owner_id: int | None):
    """Own documents; planners and admins all of their organisation (or one owner's)."""
    query = Document.filter(organisation_id=principal.organisation_id)
    if principal.is_back_office:
        return query.filter(owner_id=owner_id) if owner_id is not None else query
    if owner_id is not None and owner_id != principal.user_id:
        raise AccessDenied("FORBIDDEN")
    return query.filter(owner_id=principal.user_id)


async def page(
    principal: Principal,
    *,
    kind: DocumentKind | None,
    owner_id: int | None,
    size: int,
    after: Keyset | None = None,
) -> tuple[list[Document], bool]:
    """Documents newest first (keyset on created_at, id), and has-next."""
    query = _scope(principal, owner_id)
    if kind is not None:
        query = query.filter(kind=kind)
    if after is not None:
        at = publishing.utc(after.at)
        query = query.filter(Q(created_at__lt=at) | Q(created_at=at, id__lt=after.id))
    rows = await query.order_by("-created_at", "-id").limit(size + 1).select_related("media")
    return list(rows[:size]), len(rows) > size


async def visible(principal: Principal, document_id: int) -> Document | None:
    """One document: the owner's own, or any of the organisation for planners and admins."""
    query = Document.filter(id=document_id, organisation_id=principal.organisation_id)
    if not principal.is_back_office:
        query = query.filter(owner_id=principal.user_id)
    return await query.select_related("media").first()


def format_euro(cents: int, locale: str = "nl") -> str:
    """`€ 1.234,56` (Dutch) or `€1,234.56` (English); negative amounts with a leading minus."""
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    grouped = f"{euros:,}"
    if locale.startswith("en"):
        return f"{sign}€{grouped}.{rest:02d}"
    return f"{sign}€ {grouped.replace(',', '.')},{rest:02d}"


@register_read_rule
async def document_read_rule(principal: Principal, media: MediaFile) -> bool | None:
    """The file of a document: only its owner (planners and admins pass before any rule)."""
    owners = await Document.filter(media_id=media.id).values_list("owner_id", flat=True)
    if not owners:
        return None
    return principal.user_id in set(owners)
