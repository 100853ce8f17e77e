"""Standing sessions, kept between the live feed's batches instead of asked for every batch.

Every batch of live events goes only to connections whose session still stands (not
revoked, not expired, its user active: `services.auth.live_sessions`). Asking for every
receiver in every batch was, in a rush of events, about a quarter of PostgreSQL's work for
the live feed (measured on bench.live_delivery's database). A feed now keeps the sessions it
found standing, each with its expiry, for as long as its organisation's access epoch
(`models.AccessEpoch`) stays the number read with the batch's events: the epoch moves in the
same transaction as anything that could end a session before its expiry (migration 0007),
so an unchanged number means none of them ended but by running out, and running out is told
by the expiry kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from services import auth, clock


class KeptSessions:
    """The sessions found standing as of one access epoch, with their expiries."""

    __slots__ = ("_expires", "epoch")

    # Sessions kept per feed (an organisation's live connections): past it, all are dropped
    # and asked for again.
    _MAX = 50_000

    def __init__(self) -> None:
        self._expires: dict[int, datetime] = {}
        self.epoch: int | None = None

    def __len__(self) -> int:
        return len(self._expires)

    def standing(self, session_ids: Iterable[int], epoch: int | None) -> tuple[set[int], set[int]]:
        """(the sessions known to stand now, the sessions to ask for) as of `epoch`, the
        access epoch read together with the batch (None: not known, keep nothing)."""
        wanted = set(session_ids)
        if epoch is None or epoch != self.epoch:
            self._expires.clear()
            self.epoch = epoch
            return set(), wanted
        now = clock.now()
        expires = self._expires
        known = {s for s in wanted if (until := expires.get(s)) is not None and until > now}
        return known, wanted - known

    def keep(self, epoch: int | None, found: dict[int, datetime]) -> None:
        """Sessions found standing by a query made after `epoch` was read (kept only while
        the epoch is still the one kept: a later batch may have moved on)."""
        if epoch is None or epoch != self.epoch:
            return
        if len(self._expires) + len(found) > self._MAX:
            self._expires.clear()
        self._expires.update(found)


async def live_sessions(
    session_ids: Iterable[int], kept: KeptSessions | None, epoch: int | None
) -> set[int]:
    """`services.auth.live_sessions`, asking only for the sessions `kept` does not know to
    stand as of `epoch`; those found are kept."""
    if kept is None:
        return await auth.live_sessions(session_ids)
    known, unknown = kept.standing(session_ids, epoch)
    if not unknown:
        return known
    found = await auth.live_session_expiries(unknown)
    kept.keep(epoch, found)
    return known | found.keys()
