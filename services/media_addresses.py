"""Signed download addresses for the many files of one answer.

`services.media.download_url` signs one address: it builds the claims, sorts them into JSON,
derives the expiry from the clock. A home screen signs a few hundred (photos, thumbnails,
"save to phone"), all for the same user and session and, within one second, with the same
expiry. A `DownloadSigner` prepares that once and writes each address's claims straight into
their JSON text: the same addresses, character for character, as `download_url` gives at
that second (tests/services/test_media_addresses.py).
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta

import settings
from models import MediaFile
from services import signing
from services.media import DOWNLOAD_PURPOSE, Disposition, Variant


@functools.cache
def _text_signer() -> signing.TextSigner:
    return signing.TextSigner(DOWNLOAD_PURPOSE)


class DownloadSigner:
    """`download_url(media, user_id=…, session_id=…, variant=…, disposition=…)` for one
    user and session during the whole second `now` is in."""

    __slots__ = (
        "_after_id",
        "_before_id",
        "_prefix",
        "_signed",
        "_start",
        "_until",
        "session_id",
        "user_id",
    )

    def __init__(self, *, user_id: int, session_id: int | None, now: datetime) -> None:
        self.user_id = user_id
        self.session_id = session_id
        self._start = datetime.fromtimestamp(int(now.timestamp()), UTC)
        self._until = self._start + timedelta(seconds=1)
        ttl = timedelta(seconds=settings.MEDIA_DOWNLOAD_TTL_SECONDS)
        expires = int((now + ttl).timestamp())
        session = f'"s":{session_id},' if session_id else ""
        # The claims sorted by name, as signing.sign writes them: d, exp, m, s, u, v.
        self._before_id = f'","exp":{expires},"m":'
        self._after_id = f',{session}"u":{user_id},"v":"'
        self._prefix = f"{settings.PUBLIC_URL.rstrip('/')}/media/"
        # A file shown several times (an author's photo on every post) is signed once.
        self._signed: dict[tuple[int, str, str], str] = {}

    def fits(self, user_id: int, session_id: int | None, now: datetime) -> bool:
        """Whether it signs for this user and session at `now`."""
        return (
            self.user_id == user_id
            and self.session_id == session_id
            and self._start <= now < self._until
        )

    def url(self, media: MediaFile, variant: Variant, disposition: Disposition) -> str:
        key = (media.id, variant, disposition)
        address = self._signed.get(key)
        if address is None:
            if variant == "thumbnail" and not media.thumbnail_key:
                raise ValueError("this file has no thumbnail")
            d = "a" if disposition == "attachment" else "i"
            v = "t" if variant == "thumbnail" else "f"
            claims = f'{{"d":"{d}{self._before_id}{int(media.id)}{self._after_id}{v}"}}'
            address = self._signed[key] = self._prefix + _text_signer().sign(claims)
        return address
