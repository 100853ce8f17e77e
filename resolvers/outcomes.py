"""Map a service outcome to GraphQL: a payload, a `Refused`, or a coded access error."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from schema.context import Info
from schema.errors import forbidden, not_found, unauthenticated
from schema.types.refusal import Refused
from services.errors import AccessDenied, RefusedError
from services.principal import Principal

R = TypeVar("R")


def principal_of(info: Info) -> Principal:
    principal = info.context.principal
    if principal is None:
        raise unauthenticated()
    return principal


async def outcome(info: Info, call: Awaitable[Any], to_payload: Callable[[Any], R]) -> R | Refused:
    """Await the service call; refusals become data, access failures coded errors."""
    try:
        result = await call
    except RefusedError as refused:
        return Refused.of(refused.refusal, info.context.locale)
    except AccessDenied as denied:
        raise (not_found() if denied.code == "NOT_FOUND" else forbidden()) from None
    return to_payload(result)
