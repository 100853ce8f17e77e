"""Global object IDs: opaque base64 of "Type:pk". Guessing one gains nothing: every
lookup through an ID goes through the same access checks as any other read."""

from __future__ import annotations

import base64
import binascii

from schema.errors import bad_input
from services.b64 import global_id

to_global_id = global_id


def from_global_id(global_id: str) -> tuple[str, int]:
    """Split a global ID; raises a BAD_USER_INPUT error when it is not one of ours."""
    try:
        padded = global_id + "=" * (-len(global_id) % 4)
        type_name, _, raw_pk = base64.urlsafe_b64decode(padded.encode()).decode().partition(":")
        pk = int(raw_pk)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise bad_input("INVALID_ID", "Onbekende ID.", "Unknown ID.") from None
    if not type_name or pk <= 0:
        raise bad_input("INVALID_ID", "Onbekende ID.", "Unknown ID.")
    return type_name, pk


def pk_of(global_id: str, expected_type: str) -> int:
    type_name, pk = from_global_id(global_id)
    if type_name != expected_type:
        raise bad_input("INVALID_ID", "Onbekende ID.", "Unknown ID.")
    return pk
