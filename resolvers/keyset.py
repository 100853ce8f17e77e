"""Cursors for newest-first keyset paging: "<ISO moment>|<id>", opaque to clients."""

from __future__ import annotations

from datetime import datetime

from schema.errors import bad_input
from schema.relay import decode_cursor
from services.publishing import Keyset


def keyset_key(at: datetime, pk: int) -> str:
    """The raw cursor value (`schema.relay.connection` encodes it)."""
    return f"{at.isoformat()}|{pk}"


def keyset_after(after: str | None) -> Keyset | None:
    """The position a client continues after; BAD_USER_INPUT when it is not one of ours."""
    if not after:
        return None
    raw = decode_cursor(after)
    moment, _, pk = raw.partition("|")
    try:
        at = datetime.fromisoformat(moment)
        key = Keyset(at, int(pk))
    except ValueError:
        raise bad_input("INVALID_CURSOR", "Ongeldige cursor.", "Invalid cursor.") from None
    if at.tzinfo is None:
        raise bad_input("INVALID_CURSOR", "Ongeldige cursor.", "Invalid cursor.")
    return key
