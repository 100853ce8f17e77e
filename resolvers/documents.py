"""Documents: the viewer's list, nodes, and the planner's upload for a parent."""

from __future__ import annotations

from typing import Any

import strawberry

from resolvers.keyset import keyset_after, keyset_key
from resolvers.node import node_fetcher
from resolvers.outcomes import outcome, principal_of
from schema.context import Info
from schema.errors import forbidden
from schema.ids import pk_of
from schema.relay import Connection, connection, page_size
from schema.types.documents import (
    Document,
    DocumentKind,
    DocumentPayload,
    UploadDocumentInput,
    UploadDocumentResult,
)
from services import documents
from services.errors import AccessDenied
from subscriptions import hub


async def viewer_documents(
    info: Info,
    kind: DocumentKind | None,
    first: int | None,
    after: str | None,
    owner_id: strawberry.ID | None,
) -> Connection[Document]:
    principal = principal_of(info)
    size, position = page_size(first), keyset_after(after)
    owner = pk_of(owner_id, "User") if owner_id is not None else None
    try:
        rows, has_next = await documents.page(
            principal, kind=kind, owner_id=owner, size=size, after=position
        )
    except AccessDenied:
        raise forbidden() from None
    docs = [Document.from_model(row) for row in rows]
    return connection(docs, lambda d: keyset_key(d.created_at, d.pk), has_next)


@node_fetcher("Document")
async def document_node(info: Info, pk: int) -> Document | None:
    row = await documents.visible(principal_of(info), pk)
    return Document.from_model(row) if row else None


def _payload(row: Any) -> DocumentPayload:
    return DocumentPayload(document=Document.from_model(row))


async def upload_document(info: Info, input: UploadDocumentInput) -> UploadDocumentResult:
    new = documents.NewDocument(
        owner_id=pk_of(input.owner_id, "User"),
        kind=input.kind,
        title=input.title,
        media_id=pk_of(input.media_id, "Media"),
        number=input.number,
        period_start=input.period_start,
        period_end=input.period_end,
        amount_cents=input.amount_cents,
        status=input.status,
        signed_on=input.signed_on,
        year=input.year,
    )
    call = documents.upload(principal_of(info), new, hub.publisher())
    return await outcome(info, call, _payload)
