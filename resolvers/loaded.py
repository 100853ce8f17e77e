"""Reading what a request's loaders already hold, without awaiting.

After a lookahead primed the loaders (resolvers.children.prefetch_children), the fields
below a list find their rows there. A field resolver that peeks first stays synchronous on
that path: graphql-core then completes the item without a coroutine, a future, a gather.
When the value is not there yet, the resolver takes its ordinary (async) path.
"""

from __future__ import annotations

from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

K = TypeVar("K")
T = TypeVar("T")

MISSING: Any = object()


def peek(loader: DataLoader[K, T], key: K) -> T:
    """The value the loader holds for `key`, or MISSING when it would have to load it."""
    future = loader.cache_map.get(key) if loader.cache else None
    if future is None or not future.done() or future.cancelled() or future.exception():
        return MISSING
    return future.result()


def now_or_later(loader: DataLoader[K, T], key: K, convert: Any) -> Any:
    """`convert(value)` now when the loader holds the value, else an awaitable of it."""
    value = peek(loader, key)
    if value is MISSING:
        return _later(loader, key, convert)
    return convert(value)


async def load_many(loader: DataLoader[K, T], keys: list[K]) -> list[T]:
    """As `loader.load_many(keys)`, without its gather (a turn of the event loop) when the
    loader holds every value already: the caller's coroutine then completes without waiting
    (schema.compiled_query runs such resolvers to the end at once)."""
    values = [peek(loader, key) for key in keys]
    if any(value is MISSING for value in values):
        return await loader.load_many(keys)
    return values


async def _later(loader: DataLoader[K, T], key: K, convert: Any) -> Any:
    return convert(await loader.load(key))
