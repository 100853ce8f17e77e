"""Standing sessions kept between the live feed's batches (`services.kept_sessions`): asked
for once per access epoch, asked again when the epoch moved or a session's expiry passed;
and the epoch moves with every write that can end a session before its expiry (migration
0007), and with no other."""

from __future__ import annotations

from datetime import timedelta

from models import Session, User
from services import auth, clock
from services.events import DomainEvent, organisation_batch_after, record
from services.kept_sessions import KeptSessions, live_sessions
from services.principal import Principal
from tests import factories
from tests.services.test_access_epoch import epoch_of
from tests.sql_counter import count_sql


async def session_of(user: User) -> int:
    await factories.token_for(user)
    return (await Session.filter(user_id=user.id).order_by("-id").first()).id  # type: ignore[union-attr]


async def test_standing_sessions_are_asked_for_once_per_epoch(db):
    # given two standing sessions and the epoch as the feed reads it
    t = await factories.tenant()
    first, second = await session_of(t.parent), await session_of(t.other_parent)
    epoch = await epoch_of(t.org.id)
    kept = KeptSessions()
    assert await live_sessions([first], kept, epoch) == {first}
    # when a later batch of the same epoch goes to both
    with count_sql() as log:
        live = await live_sessions([first, second], kept, epoch)
    # then only the one not kept yet was asked for
    assert live == {first, second}
    assert log.count == 1
    # and a batch of only kept sessions asks for nothing
    with count_sql() as log:
        assert await live_sessions([first, second], kept, epoch) == {first, second}
    assert log.count == 0


async def test_a_revoked_session_is_not_live_in_the_next_batch(db):
    # given a session kept as standing
    t = await factories.tenant()
    session = await session_of(t.parent)
    kept = KeptSessions()
    before = await epoch_of(t.org.id)
    assert await live_sessions([session], kept, before) == {session}
    # when the parent logs out
    principal = Principal(
        user_id=t.parent.id, organisation_id=t.org.id, role=t.parent.role, session_id=session
    )
    await auth.logout(principal)
    # then the epoch moved, and a batch read after it finds the session ended
    after = await epoch_of(t.org.id)
    assert after != before
    assert await live_sessions([session], kept, after) == set()


async def test_a_kept_session_past_its_expiry_is_asked_for_again(db):
    # given a session kept as standing, expiring in a minute
    t = await factories.tenant()
    session = await session_of(t.parent)
    soon = clock.now() + timedelta(minutes=1)
    await Session.filter(id=session).update(expires_at=soon)
    epoch = await epoch_of(t.org.id)
    kept = KeptSessions()
    assert await live_sessions([session], kept, epoch) == {session}
    # when the minute has passed (nothing written: the epoch is the same)
    later = soon + timedelta(seconds=1)
    clock.set_clock(lambda: later)
    try:
        with count_sql() as log:
            live = await live_sessions([session], kept, epoch)
    finally:
        clock.set_clock(None)
    # then it was asked for, and it no longer stands
    assert live == set()
    assert log.count == 1


async def test_without_an_epoch_nothing_is_kept(db):
    # given a standing session
    t = await factories.tenant()
    session = await session_of(t.parent)
    kept = KeptSessions()
    # when batches come without an epoch
    await live_sessions([session], kept, None)
    with count_sql() as log:
        assert await live_sessions([session], kept, None) == {session}
    # then every one asks
    assert log.count == 1
    assert len(kept) == 0


async def test_every_write_that_can_end_a_session_moves_the_epoch(db):
    # given sessions of several users
    t = await factories.tenant()
    parent, other, staff = (
        await session_of(t.parent),
        await session_of(t.other_parent),
        await session_of(t.staff),
    )
    changes = [
        lambda: Session.filter(id=parent).update(revoked_at=clock.now()),
        lambda: Session.filter(id=other).update(expires_at=clock.now() + timedelta(minutes=5)),
        lambda: Session.filter(id=other).delete(),
        lambda: User.filter(id=t.staff.id).update(is_active=False),
        lambda: User.filter(id=t.staff.id).update(is_active=True),
        lambda: Session.filter(id=staff).update(revoked_at=clock.now()),
    ]
    for change in changes:
        before = await epoch_of(t.org.id)
        # when it is written
        await change()
        # then the organisation's number moved
        assert await epoch_of(t.org.id) != before, change


async def test_logging_in_and_being_seen_do_not_move_the_epoch(db):
    # given a tenant
    t = await factories.tenant()
    session = await session_of(t.parent)
    before = await epoch_of(t.org.id)
    # when someone logs in, a session is seen, and a revoked session is cleared away
    await session_of(t.other_parent)
    await Session.filter(id=session).update(last_seen_at=clock.now())
    revoked = await session_of(t.staff)
    await Session.filter(id=revoked).update(revoked_at=clock.now())
    moved = await epoch_of(t.org.id)
    await Session.filter(id=revoked).delete()
    # then only the revocation moved it
    assert moved != before
    assert await epoch_of(t.org.id) == moved
    await Session.filter(id=session).update(last_seen_at=clock.now())
    assert await epoch_of(t.org.id) == moved


async def test_the_feed_reads_the_epoch_with_its_events(db):
    # given an event of the organisation
    t = await factories.tenant()
    await record(DomainEvent("test.happened", f"user:{t.parent.id}", t.org.id))
    # when the feed reads it
    batch = await organisation_batch_after(t.org.id, 0, 10)
    # then the epoch comes with it, and none without events
    assert batch.events
    assert batch.epoch == await epoch_of(t.org.id)
    assert (await organisation_batch_after(t.org.id, batch.events[-1].id, 10)).epoch is None
