"""Relay building blocks: the Node interface, generic connections and cursor paging."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

import strawberry

import settings
from schema.errors import bad_input
from services.b64 import urlsafe

T = TypeVar("T")
K = TypeVar("K")


@strawberry.interface(description="An object with a global ID, fetchable with `node(id:)`.")
class Node:
    id: strawberry.ID


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int | None = None


def encode_cursor(value: str) -> str:
    return urlsafe(value.encode())


def decode_cursor(cursor: str) -> str:
    try:
        return base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise bad_input("INVALID_CURSOR", "Ongeldige cursor.", "Invalid cursor.") from None


def page_size(first: int | None, default: int = 20) -> int:
    """`first`, defaulted and capped at MAX_PAGE_SIZE; negative is bad input."""
    if first is None:
        return default
    if first < 0:
        raise bad_input(
            "INVALID_PAGE_SIZE", "`first` mag niet negatief zijn.", "`first` must not be negative."
        )
    return min(first, settings.MAX_PAGE_SIZE)


def paginate_keys(keys: Sequence[K], first: int | None, after: str | None) -> tuple[list[K], bool]:
    """Page through an ordered list of keys (ints) by cursor: the keys of this page, has-next."""
    size = page_size(first)
    start = 0
    if after:
        raw = decode_cursor(after)
        try:
            start = list(map(str, keys)).index(raw) + 1
        except ValueError:
            raise bad_input("INVALID_CURSOR", "Ongeldige cursor.", "Invalid cursor.") from None
    window = list(keys[start : start + size])
    return window, start + size < len(keys)


def connection(
    nodes: Sequence[T], cursor_of: Callable[[T], str], has_next: bool, has_previous: bool = False
) -> Connection[T]:
    edges = [Edge(cursor=encode_cursor(cursor_of(n)), node=n) for n in nodes]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=has_next,
            has_previous_page=has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )
