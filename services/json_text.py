"""The one way the server writes JSON text for clients: compact, UTF-8 as it is (no \\u
escapes), by orjson; what orjson refuses (a subclass it does not know, an int beyond 64 bits)
by the standard library, in the same compact form.

HTTP answers (schema.app), live frames rendered once per event (subscriptions.projection,
subscriptions.direct) and strawberry's own WebSocket messages (through schema.app's
encode_json) all come from here, so every path sends the same text for the same data.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

_COMPACT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def dumps(value: Any) -> str:
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return _COMPACT(value)
