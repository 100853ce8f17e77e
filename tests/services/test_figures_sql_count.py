"""Each figure is a fixed number of SQL statements, however much data there is: the work is
done by aggregates in the database, not by loading rows into Python."""

from __future__ import annotations

from datetime import date, timedelta

from models import DayStatus, LedgerKind
from services.figures.credits import credit_usage
from services.figures.messaging import response_times
from services.figures.news import news_reach
from services.figures.occupancy import occupancy
from services.figures.requests import pending_requests
from tests import factories
from tests.agenda_helpers import MONDAY, at, credit_type, set_now
from tests.figures_samples import (
    absence,
    conversation,
    entry,
    news_item,
    read,
    requested_day,
    utc,
)
from tests.sql_counter import count_sql

FIGURES = {
    "occupancy": lambda org: occupancy(org, MONDAY, MONDAY + timedelta(days=91)),
    "pending": pending_requests,
    "credits": lambda org: credit_usage(org, "2025-05", "2027-04"),
    "messaging": lambda org: response_times(org, date(2026, 1, 1), date(2026, 4, 30)),
    "news": lambda org: news_reach(org, 100),
}
# Statements per figure: occupancy reads locations, groups and closure days, then counts;
# the others read the organisation (time zone) or the credit types, then aggregate.
EXPECTED = {"occupancy": 4, "pending": 2, "credits": 3, "messaging": 2, "news": 2}


async def _add(t, n: int, ctype) -> None:
    """n more of everything: children, requested days, absences, entries, talks, news."""
    for i in range(n):
        day = MONDAY + timedelta(days=7 + i % 60)
        kid = await factories.child(t.org, guardians=[t.parent], grp=t.babies)
        pending = await requested_day(kid, t.bso, day)
        approved = await requested_day(kid, t.babies, day, DayStatus.APPROVED)
        await absence(kid, t.babies, day)
        await entry(kid, ctype, LedgerKind.PURCHASE, 600, utc(2026, 1 + i % 4, 5, 9))
        await entry(kid, ctype, LedgerKind.RESERVATION, -120, utc(2026, 4, 1, 9), pending)
        await entry(kid, ctype, LedgerKind.USE, -240, utc(2026, 4, 1, 9), approved)
        moment = utc(2026, 1 + i % 4, 10 + i % 15, 9)
        await conversation(
            kid,
            t.babies if i % 2 else t.bso,
            (t.parent, moment),
            (t.staff, moment + timedelta(minutes=5 + i)),
        )
        item = await news_item(t.org, f"Nieuws {i}", moment, t.location if i % 2 else None)
        await read(item, t.parent, t.other_parent)


async def _counts(org_id: int) -> dict[str, int]:
    counts = {}
    for name, figure in FIGURES.items():
        with count_sql() as log:
            await figure(org_id)
        counts[name] = log.count
    return counts


async def test_every_figure_takes_a_fixed_number_of_statements(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    ctype = await credit_type(t.org)
    await factories.location(t.org, "Het Klavertje")
    await _add(t, 1, ctype)
    small = await _counts(t.org.id)
    # when
    await _add(t, 25, ctype)
    large = await _counts(t.org.id)
    # then
    assert small == large == EXPECTED
    assert (await pending_requests(t.org.id)).days == 26  # the data is really there
