"""GraphQL errors with a stable `extensions.code` (auth failures, bad input)."""

from __future__ import annotations

from graphql import GraphQLError

UNAUTHENTICATED = "UNAUTHENTICATED"
FORBIDDEN = "FORBIDDEN"
NOT_FOUND = "NOT_FOUND"
BAD_USER_INPUT = "BAD_USER_INPUT"
INTERNAL = "INTERNAL_SERVER_ERROR"
SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"


def coded(code: str, message: str, **extensions: object) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code, **extensions})


def unauthenticated() -> GraphQLError:
    return coded(UNAUTHENTICATED, "Log in first. / Log eerst in.")


def forbidden() -> GraphQLError:
    return coded(FORBIDDEN, "Not allowed. / Dit mag niet.")


def not_found() -> GraphQLError:
    return coded(NOT_FOUND, "Not found. / Niet gevonden.")


def service_unavailable() -> GraphQLError:
    """Live updates cannot be delivered right now (the broadcast or the database failed)."""
    return coded(
        SERVICE_UNAVAILABLE,
        "Live updates are unavailable right now: retry with `after`. / "
        "Live bijwerken kan nu even niet: probeer het opnieuw met `after`.",
    )


def bad_input(reason: str, message_nl: str, message_en: str) -> GraphQLError:
    return coded(BAD_USER_INPUT, f"{message_en} / {message_nl}", reason=reason)


def should_mask(error: GraphQLError) -> bool:
    """Mask unexpected errors (production); never our coded ones or validation errors."""
    if error.original_error is None:
        return False
    if isinstance(error.original_error, GraphQLError) and (
        error.original_error.extensions or {}
    ).get("code"):
        return False
    return not (error.extensions or {}).get("code")
