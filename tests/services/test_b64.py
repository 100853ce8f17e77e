"""services.b64: global ids and event cursors are the URL-safe base64 texts as before."""

from __future__ import annotations

import base64

import pytest

from schema.ids import from_global_id
from schema.relay import encode_cursor
from services.b64 import event_cursor_text, global_id, urlsafe
from subscriptions.live import event_cursor, parse_event_cursor


def plain(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize("pk", [1, 7, 99, 12_345, 2**31 - 1, 2**62])
def test_a_global_id_is_the_url_safe_base64_of_type_and_key(pk):
    assert (
        global_id("Message", pk)
        == urlsafe(f"Message:{pk}".encode())
        == plain(f"Message:{pk}".encode())
    )
    assert global_id("Conversation", pk) == plain(f"Conversation:{pk}".encode())
    assert from_global_id(global_id("Message", pk)) == ("Message", pk)


@pytest.mark.parametrize("event_id", [0, 1, 7, 99, 12_345, 2**31 - 1, 2**62])
def test_an_event_cursor_is_the_cursor_of_event_and_id_and_reads_back(event_id):
    assert event_cursor_text(event_id) == encode_cursor(f"event:{event_id}")
    assert event_cursor(event_id) == plain(f"event:{event_id}".encode())
    assert parse_event_cursor(event_cursor(event_id)) == event_id
