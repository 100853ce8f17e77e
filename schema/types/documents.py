"""A parent's documents (invoices, contracts, annual statements), and the planner's upload."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry

from models import Document as DocumentModel
from models import DocumentKind as DocumentKindValue
from models import MediaFile
from schema.context import Info
from schema.ids import to_global_id
from schema.relay import Node
from schema.types.media import Media
from schema.types.refusal import Refused
from services.documents import InvoiceStatus as InvoiceStatusValue
from services.documents import format_euro

DocumentKind = strawberry.enum(DocumentKindValue, name="DocumentKind")
InvoiceStatus = strawberry.enum(InvoiceStatusValue, name="InvoiceStatus")


def _invoice_status(value: str) -> InvoiceStatusValue | None:
    try:
        return InvoiceStatusValue(value) if value else None
    except ValueError:
        return None


@strawberry.type(description="A document of a parent; the kind decides which fields are set.")
class Document(Node):
    pk: strawberry.Private[int]
    owner_pk: strawberry.Private[int]
    media: strawberry.Private[MediaFile | None]
    kind: DocumentKind
    title: str
    created_at: datetime
    number: str | None = strawberry.field(description="Invoices: the invoice number.")
    period_start: date | None = strawberry.field(description="Invoices: first day invoiced.")
    period_end: date | None = strawberry.field(description="Invoices: last day invoiced.")
    amount_cents: int | None = strawberry.field(description="Invoices: the amount in euro cents.")
    status: InvoiceStatus | None = strawberry.field(description="Invoices: open, paid, overdue.")
    signed_on: date | None = strawberry.field(description="Contracts: the day it was signed.")
    year: int | None = strawberry.field(description="Annual statements: the year it covers.")

    @classmethod
    def from_model(cls, doc: DocumentModel) -> Document:
        return cls(
            id=strawberry.ID(to_global_id("Document", doc.id)),
            pk=doc.id,
            owner_pk=doc.owner_id,  # type: ignore[attr-defined]
            media=doc.media if doc.media_id else None,  # type: ignore[attr-defined]
            kind=doc.kind,
            title=doc.title,
            created_at=doc.created_at,
            number=doc.number or None,
            period_start=doc.period_start,
            period_end=doc.period_end,
            amount_cents=doc.amount_cents,
            status=_invoice_status(doc.status),
            signed_on=doc.signed_on,
            year=doc.year,
        )

    @strawberry.field(description="The file, with a signed download address.")
    def file(self) -> Media | None:
        return Media.from_model(self.media) if self.media is not None else None

    @strawberry.field(description="The amount as text in the viewer's language: `€ 1.234,56`.")
    def amount_formatted(self, info: Info) -> str | None:
        if self.amount_cents is None:
            return None
        return format_euro(self.amount_cents, info.context.locale)


@strawberry.input(description="A planner adds a document for a parent of the organisation.")
class UploadDocumentInput:
    owner_id: strawberry.ID = strawberry.field(description="The parent (a User ID).")
    kind: DocumentKind
    title: str
    media_id: strawberry.ID = strawberry.field(description="A ready PDF (or photo) you uploaded.")
    number: str | None = strawberry.field(default=None, description="Invoices: required.")
    period_start: date | None = strawberry.field(default=None, description="Invoices: required.")
    period_end: date | None = strawberry.field(default=None, description="Invoices: required.")
    amount_cents: int | None = strawberry.field(default=None, description="Invoices: required.")
    status: InvoiceStatus | None = strawberry.field(
        default=None, description="Invoices: OPEN when left out."
    )
    signed_on: date | None = strawberry.field(default=None, description="Contracts.")
    year: int | None = strawberry.field(default=None, description="Annual statements: required.")


@strawberry.type
class DocumentPayload:
    document: Document


UploadDocumentResult = Annotated[
    DocumentPayload | Refused, strawberry.union("UploadDocumentResult")
]
