"""URL-safe base64 without padding: global ids, cursors, signed tokens, push keys.

`base64.urlsafe_b64encode` goes through two layers of Python calls; ids, cursors and signed
media addresses are made for every node of every answer and every live delivery, so here
binascii is called directly (the same text).
"""

from __future__ import annotations

import binascii

_URLSAFE = bytes.maketrans(b"+/", b"-_")


def urlsafe(raw: bytes) -> str:
    """URL-safe base64 of `raw`, without the trailing `=`."""
    return binascii.b2a_base64(raw, newline=False).translate(_URLSAFE).rstrip(b"=").decode()


def urlsafe_bytes(raw: bytes) -> bytes:
    """`urlsafe(raw)`, still as ASCII bytes."""
    return binascii.b2a_base64(raw, newline=False).translate(_URLSAFE).rstrip(b"=")


def global_id(type_name: str, pk: int) -> str:
    """The GraphQL API's opaque global id of a row ("Type:pk"; schema.ids decodes it)."""
    return urlsafe(f"{type_name}:{pk}".encode())


def event_cursor_text(event_id: int) -> str:
    """An event's resume cursor: schema.relay's `encode_cursor` of "event:<id>", in one call
    (a live delivery makes one per frame)."""
    return urlsafe(b"event:%d" % event_id)
