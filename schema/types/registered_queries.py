"""Registered queries (admins): the documents an organisation's API tokens may run when it
allows registered queries only; the mutations' inputs and results."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from models import RegisteredQuery as RegisteredQueryModel
from schema.ids import to_global_id
from schema.relay import Node
from schema.types.refusal import Refused


@strawberry.type(
    description="A query document API tokens of the organisation may run, by its SHA-256 "
    "(send it in full or as `extensions.persistedQuery.sha256Hash`)."
)
class RegisteredQuery(Node):
    name: str
    sha256: str = strawberry.field(description="SHA-256 of `document`, lowercase hex.")
    document: str
    created_at: datetime

    @classmethod
    def from_model(cls, row: RegisteredQueryModel) -> RegisteredQuery:
        return cls(
            id=strawberry.ID(to_global_id("RegisteredQuery", row.id)),
            name=row.name,
            sha256=row.sha256,
            document=row.document,
            created_at=row.created_at,
        )


@strawberry.input
class RegisterQueryInput:
    name: str = strawberry.field(description="What the query is for, 1 to 100 characters.")
    document: str = strawberry.field(
        description="The exact text the dashboard sends: its SHA-256 is what is registered."
    )


@strawberry.type
class QueryRegistered:
    registered_query: RegisteredQuery


RegisterQueryResult = Annotated[QueryRegistered | Refused, strawberry.union("RegisterQueryResult")]
