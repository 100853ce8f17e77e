"""services.json_text: compact JSON, UTF-8 as it is, the same text as the standard library's
compact form; what orjson refuses is still written."""

from __future__ import annotations

import json

import pytest

from services.json_text import dumps


def compact(value) -> str:  # type: ignore[no-untyped-def]
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


@pytest.mark.parametrize(
    "value",
    [
        {"data": {"name": "Zoë «Ü»", "n": 3, "x": 0.5, "ok": True, "none": None}},
        [{"a": [1, 2, {"b": '\n\t"quote"'}]}, "emoji 🦆"],
        {"big": 2**70},  # beyond 64 bits: orjson refuses, the standard library writes it
    ],
)
def test_text_is_the_compact_standard_form(value):
    assert dumps(value) == compact(value)
