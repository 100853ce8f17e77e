"""Registered queries: the documents an organisation allows its API tokens to run.

Admins register a query document (checked against the schema; queries only) under a name; it
is kept by its SHA-256. When the organisation switches its tokens to "registered queries
only", a token may run only documents whose hash is registered for its own organisation,
sent in full or by hash (APQ `extensions.persistedQuery.sha256Hash`). Users are unaffected.
"""

from __future__ import annotations

from graphql import GraphQLSchema, OperationDefinitionNode, OperationType, parse, validate
from graphql.error import GraphQLSyntaxError
from tortoise.exceptions import IntegrityError

from models import Organisation, RegisteredQuery, Role
from services.errors import AccessDenied, Refusal, RefusedError
from services.persisted_queries import sha256_of
from services.principal import Principal

NAME_MAX = 100
DOCUMENT_MAX = 20_000
MAX_PER_ORGANISATION = 500
QUERY_NOT_REGISTERED = "QUERY_NOT_REGISTERED"

NAME_INVALID = Refusal(
    "NAME_INVALID",
    f"Geef de query een naam van 1 tot {NAME_MAX} tekens.",
    f"Give the query a name of 1 to {NAME_MAX} characters.",
    {"field": "name"},
)
DOCUMENT_TOO_LONG = Refusal(
    "DOCUMENT_TOO_LONG",
    f"Een query mag hooguit {DOCUMENT_MAX} tekens zijn.",
    f"A query may be at most {DOCUMENT_MAX} characters.",
    {"field": "document"},
)
INVALID_DOCUMENT = Refusal(
    "INVALID_DOCUMENT",
    "Deze query klopt niet met het schema (of is geen geldige GraphQL).",
    "This query does not match the schema (or is not valid GraphQL).",
    {"field": "document"},
)
ONLY_QUERIES = Refusal(
    "ONLY_QUERIES",
    "Alleen queries kunnen worden geregistreerd, geen mutaties of abonnementen.",
    "Only queries can be registered, not mutations or subscriptions.",
    {"field": "document"},
)
ALREADY_REGISTERED = Refusal(
    "ALREADY_REGISTERED",
    "Deze query is al geregistreerd.",
    "This query is already registered.",
    {"field": "document"},
)
TOO_MANY_QUERIES = Refusal(
    "TOO_MANY_QUERIES",
    f"Een organisatie kan hooguit {MAX_PER_ORGANISATION} queries registreren.",
    f"An organisation can register at most {MAX_PER_ORGANISATION} queries.",
)


def _admin(principal: Principal) -> None:
    if principal.role is not Role.ADMIN:
        raise AccessDenied("FORBIDDEN")


def check_document(schema: GraphQLSchema, document: str) -> None:
    """Raise a refusal unless the document is valid against the schema and only queries."""
    if len(document) > DOCUMENT_MAX:
        raise RefusedError(DOCUMENT_TOO_LONG)
    try:
        parsed = parse(document)
    except GraphQLSyntaxError:
        raise RefusedError(INVALID_DOCUMENT) from None
    if validate(schema, parsed):
        raise RefusedError(INVALID_DOCUMENT)
    for definition in parsed.definitions:
        if (
            isinstance(definition, OperationDefinitionNode)
            and definition.operation is not OperationType.QUERY
        ):
            raise RefusedError(ONLY_QUERIES)


async def register_query(
    principal: Principal, schema: GraphQLSchema, name: str, document: str
) -> RegisteredQuery:
    _admin(principal)
    name = name.strip()
    if not 1 <= len(name) <= NAME_MAX:
        raise RefusedError(NAME_INVALID)
    check_document(schema, document)
    organisation_id = principal.organisation_id
    sha256 = sha256_of(document)
    if await RegisteredQuery.exists(organisation_id=organisation_id, sha256=sha256):
        raise RefusedError(ALREADY_REGISTERED)
    if await RegisteredQuery.filter(organisation_id=organisation_id).count() >= (
        MAX_PER_ORGANISATION
    ):
        raise RefusedError(TOO_MANY_QUERIES)
    try:
        return await RegisteredQuery.create(
            organisation_id=organisation_id,
            name=name,
            sha256=sha256,
            document=document,
            created_by_id=principal.user_id,
        )
    except IntegrityError:  # registered at the same moment by another request
        raise RefusedError(ALREADY_REGISTERED) from None


async def unregister_query(principal: Principal, query_id: int) -> bool:
    """Remove a registered query of the admin's organisation; False when there is none."""
    _admin(principal)
    deleted = await RegisteredQuery.filter(
        id=query_id, organisation_id=principal.organisation_id
    ).delete()
    return deleted > 0


async def registered_queries(principal: Principal) -> list[RegisteredQuery]:
    _admin(principal)
    return await RegisteredQuery.filter(organisation_id=principal.organisation_id).order_by(
        "name", "id"
    )


async def registered_query(principal: Principal, query_id: int) -> RegisteredQuery | None:
    if principal.role is not Role.ADMIN:
        return None
    return await RegisteredQuery.get_or_none(id=query_id, organisation_id=principal.organisation_id)


async def set_tokens_registered_queries_only(principal: Principal, enabled: bool) -> bool:
    _admin(principal)
    await Organisation.filter(id=principal.organisation_id).update(
        tokens_registered_queries_only=enabled
    )
    return enabled


async def tokens_registered_queries_only(principal: Principal) -> bool:
    _admin(principal)
    organisation = await Organisation.get(id=principal.organisation_id)
    return organisation.tokens_registered_queries_only


async def registered_document(organisation_id: int, sha256: str) -> str | None:
    """The registered document with this hash in the organisation, or None."""
    row = await RegisteredQuery.get_or_none(organisation_id=organisation_id, sha256=sha256)
    return row.document if row else None
