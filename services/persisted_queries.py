"""Automatic persisted queries (Apollo's APQ protocol): documents stored by their SHA-256.

A client first sends only `extensions.persistedQuery.sha256Hash`; when the server does not
know the hash it answers PERSISTED_QUERY_NOT_FOUND and the client sends the document with the
hash, which is checked and stored. Anyone may store a document, but only under its own hash,
so nothing can be stored under a hash that means something else. Stored in Redis (shared by
every process, kept APQ_TTL_SECONDS) when REDIS_URL is set, else in a per-process LRU.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import OrderedDict

from redis.exceptions import RedisError

import settings
from services import redis_client

logger = logging.getLogger("ouderlink.apq")

PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
PERSISTED_QUERY_HASH_MISMATCH = "PERSISTED_QUERY_HASH_MISMATCH"
PERSISTED_QUERY_NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"
SUPPORTED_VERSION = 1
# Longer documents are run but not stored (MAX_TOKENS refuses them anyway).
MAX_DOCUMENT_LENGTH = 50_000

_HASH = re.compile(r"^[0-9a-f]{64}$")


def sha256_of(document: str) -> str:
    """The hash APQ clients send: SHA-256 of the document's exact text (UTF-8), in hex."""
    return hashlib.sha256(document.encode("utf-8")).hexdigest()


def is_hash(value: object) -> bool:
    return isinstance(value, str) and bool(_HASH.match(value))


_local: OrderedDict[str, str] = OrderedDict()


async def lookup(sha256: str) -> str | None:
    """The stored document for a hash, or None."""
    client = redis_client.shared_client()
    if client is not None:
        try:
            value = await client.get(redis_client.key("apq", sha256))
        except RedisError as error:
            logger.warning("persisted queries unavailable (%s)", error)
            return None
        return value.decode("utf-8") if isinstance(value, bytes) else value
    document = _local.get(sha256)
    if document is not None:
        _local.move_to_end(sha256)
    return document


async def store(sha256: str, document: str) -> bool:
    """Store a document under its hash; False when the hash is not the document's own."""
    if sha256_of(document) != sha256:
        return False
    if len(document) > MAX_DOCUMENT_LENGTH:
        return True
    client = redis_client.shared_client()
    if client is not None:
        try:
            await client.set(redis_client.key("apq", sha256), document, ex=settings.APQ_TTL_SECONDS)
        except RedisError as error:
            logger.warning("persisted queries unavailable (%s)", error)
        return True
    _local[sha256] = document
    _local.move_to_end(sha256)
    while len(_local) > settings.APQ_CACHE_SIZE:
        _local.popitem(last=False)
    return True
