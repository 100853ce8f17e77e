"""API tokens read only: every mutation and subscription with a token is refused before any
resolver runs, and a token that did not authenticate refuses the whole operation.

Runs in `on_execute`, after parsing and validation, so it sees the operation type of the
document that is about to run (also the one picked by `operationName`).
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from schema.errors import UNAUTHENTICATED, coded

TOKEN_READ_ONLY = "TOKEN_READ_ONLY"


def token_read_only() -> GraphQLError:
    return coded(
        TOKEN_READ_ONLY,
        "An API token reads only: mutations and subscriptions are refused. / "
        "Een API-token kan alleen lezen: mutaties en abonnementen worden geweigerd.",
    )


def token_rejected() -> GraphQLError:
    return coded(
        UNAUTHENTICATED,
        "This API token is unknown, revoked or expired. / "
        "Dit API-token is onbekend, ingetrokken of verlopen.",
    )


class TokenReadOnly(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        if getattr(context, "api_token_rejected", False):
            raise token_rejected()
        if getattr(context, "api_token", None) is not None and (
            self.execution_context.operation_type is not OperationType.QUERY
        ):
            raise token_read_only()
        yield
