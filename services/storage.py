"""Where media bytes live: a small storage interface and the local-disk implementation.

Keys are relative, slash-separated paths like `org-12/photo/3f2a….jpg`. Object storage
(S3 and friends) can implement the same protocol; `path()` then returns None and files are
served through `open()` or a signed URL instead of from disk.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import tempfile
import uuid
from pathlib import Path, PurePosixPath
from typing import Protocol, runtime_checkable

import settings

_SAFE_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class InvalidStorageKey(ValueError):
    """A key that could escape the storage root or is otherwise malformed."""


@runtime_checkable
class Storage(Protocol):
    async def save(self, key: str, data: bytes) -> None: ...

    async def save_file(self, key: str, source: Path) -> None:
        """Store the contents of a local file (large uploads: never all in memory)."""
        ...

    async def open(self, key: str) -> bytes: ...

    async def delete(self, key: str) -> None: ...

    def path(self, key: str) -> Path | None: ...

    def exists(self, key: str) -> bool: ...


def check_key(key: str) -> PurePosixPath:
    """Validate a key: relative, no `..`, no empty or hidden parts, no backslashes."""
    if not key or len(key) > 255 or "\\" in key or "\x00" in key:
        raise InvalidStorageKey(f"invalid storage key: {key!r}")
    path = PurePosixPath(key)
    if path.is_absolute() or any(
        part in ("", ".", "..") or not _SAFE_PART.match(part) for part in key.split("/")
    ):
        raise InvalidStorageKey(f"invalid storage key: {key!r}")
    return path


def new_key(organisation_id: int, kind: str, ext: str) -> str:
    """A fresh, unguessable key: `org-<id>/<kind>/<uuid-hex>.<ext>`."""
    ext = ext.lower().lstrip(".")
    key = f"org-{int(organisation_id)}/{kind}/{uuid.uuid4().hex}.{ext}"
    check_key(key)
    return key


class LocalDiskStorage:
    """Files under one root directory; writes are atomic (temp file + rename)."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root).resolve()

    def _full(self, key: str) -> Path:
        full = (self.root / check_key(key)).resolve()
        if not full.is_relative_to(self.root):
            raise InvalidStorageKey(f"invalid storage key: {key!r}")
        return full

    def _write(self, full: Path, data: bytes) -> None:
        full.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=full.parent, prefix=".tmp-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, full)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    async def save(self, key: str, data: bytes) -> None:
        await asyncio.to_thread(self._write, self._full(key), data)

    def _copy(self, full: Path, source: Path) -> None:
        full.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=full.parent, prefix=".tmp-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as handle, source.open("rb") as src:
                shutil.copyfileobj(src, handle, 1024 * 1024)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, full)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    async def save_file(self, key: str, source: Path) -> None:
        await asyncio.to_thread(self._copy, self._full(key), Path(source))

    async def open(self, key: str) -> bytes:
        return await asyncio.to_thread(self._full(key).read_bytes)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._full(key).unlink, True)

    def path(self, key: str) -> Path | None:
        return self._full(key)

    def exists(self, key: str) -> bool:
        return self._full(key).is_file()


def default_storage() -> LocalDiskStorage:
    """The storage configured for this process (local disk under MEDIA_ROOT)."""
    return LocalDiskStorage(settings.MEDIA_ROOT)
