"""The private calendar feed: content, token storage, revocation, access at fetch time."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models import CalendarFeed, DayRequest, DayStatus, Guardianship, RequestedDay
from services import ics
from services.errors import AccessDenied
from tests import factories
from tests.agenda_helpers import MONDAY, THURSDAY, WEDNESDAY, at, hhmm, principal_of, set_now


async def test_the_feed_lists_the_childrens_care_days(db):
    # given: a pending extra day on Wednesday, and a rejected one on Friday
    set_now(at(MONDAY))
    t = await factories.tenant()
    request = await DayRequest.create(organisation=t.org, requested_by=t.parent)
    for on, status in ((WEDNESDAY, DayStatus.REQUESTED), (WEDNESDAY + timedelta(2), "rejected")):
        await RequestedDay.create(
            organisation=t.org, request=request, child=t.child, group=t.babies, kind="extra",
            date=on, start_time=hhmm("07:00"), end_time=hhmm("13:00"), status=status,
        )  # fmt: skip
    token = await ics.create_feed(await principal_of(t.parent))
    # when
    text = await ics.feed(token)
    # then
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    # Thursday 23 April 07:30 in Amsterdam is 05:30 UTC
    assert f"DTSTART:{THURSDAY:%Y%m%d}T053000Z" in text
    assert "SUMMARY:Sam: opvang (contractdag\\, gepland)" in text
    assert "SUMMARY:Sam: opvang (extra dag\\, aangevraagd)" in text
    assert "STATUS:TENTATIVE" in text
    assert "Noor" in text  # the sibling's days too
    assert "afgewezen" not in text and "Daan" not in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


async def test_only_a_hash_of_the_token_is_stored(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    # when
    token = await ics.create_feed(await principal_of(t.parent))
    # then
    row = await CalendarFeed.get(user_id=t.parent.id)
    assert row.token_hash == ics.token_hash(token) != token


async def test_a_new_feed_revokes_the_old_one_and_revoking_ends_all(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    parent = await principal_of(t.parent)
    old = await ics.create_feed(parent)
    new = await ics.create_feed(parent)
    # when / then
    assert await ics.feed(old) is None
    assert await ics.feed(new) is not None
    assert await ics.revoke_feeds(parent) == 1
    assert await ics.feed(new) is None
    assert await ics.feed("made-up") is None


async def test_the_feed_follows_access_at_fetch_time(db):
    # given: the parent stops being the guardian of Sam after the feed was made
    set_now(at(MONDAY))
    t = await factories.tenant()
    token = await ics.create_feed(await principal_of(t.parent))
    await Guardianship.filter(user_id=t.parent.id, child_id=t.child.id).delete()
    # when
    text = await ics.feed(token)
    # then
    assert "Sam" not in text and "Noor" in text


async def test_only_parents_get_a_feed(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    # when / then
    with pytest.raises(AccessDenied):
        await ics.create_feed(await principal_of(t.staff))
