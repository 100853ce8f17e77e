"""News reach: the audience of each published item and how many parents read it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models import Role
from services.figures import FigureInputError
from services.figures.news import news_reach
from tests import factories
from tests.agenda_helpers import MONDAY, at, set_now
from tests.figures_samples import news_item, read, utc


async def test_audience_and_readers_per_item(db):
    # given: at De Boomgaard the parents of Sam/Noor and Daan/Lotte; at Het Klavertje one
    # more; a parent whose child left De Boomgaard; an inactive parent account
    set_now(at(MONDAY))
    t = await factories.tenant()
    klavertje = await factories.location(t.org, "Het Klavertje")
    peuters = await factories.group(t.org, klavertje, "Peuters")
    third = await factories.user(t.org, Role.PARENT)
    await factories.child(t.org, guardians=[third], grp=peuters)
    former = await factories.user(t.org, Role.PARENT)
    await factories.child(t.org, guardians=[former], grp=t.babies, end=MONDAY - timedelta(days=14))
    await factories.user(t.org, Role.PARENT, is_active=False)
    everyone = await news_item(t.org, "Sluitingsdagen", utc(2026, 4, 10, 8))
    boomgaard = await news_item(t.org, "Moestuin", utc(2026, 4, 12, 8), t.location)
    await news_item(t.org, "Vakantie", utc(2026, 4, 14, 8), klavertje)
    await news_item(t.org, "Ingetrokken", utc(2026, 4, 15, 8), withdrawn=True)
    await news_item(t.org, "Concept", None)
    await read(everyone, t.parent, t.staff)
    await read(boomgaard, t.parent, former)  # `former` read it while their child was there
    other = await factories.tenant("elders")
    foreign = await news_item(other.org, "Elders", utc(2026, 4, 16, 8))
    await read(foreign, other.parent)
    # when
    found = await news_reach(t.org.id, 10)
    # then
    assert [(n.title, n.location_name, n.published_at, n.audience, n.readers) for n in found] == [
        ("Vakantie", "Het Klavertje", utc(2026, 4, 14, 8), 1, 0),
        ("Moestuin", "De Boomgaard", utc(2026, 4, 12, 8), 2, 2),
        ("Sluitingsdagen", None, utc(2026, 4, 10, 8), 4, 1),
    ]
    assert [n.title for n in await news_reach(t.org.id, 2)] == ["Vakantie", "Moestuin"]


@pytest.mark.parametrize("first", [0, 101])
async def test_page_size_is_checked(db, first):
    # given
    t = await factories.tenant()
    # when
    with pytest.raises(FigureInputError) as refused:
        await news_reach(t.org.id, first)
    # then
    assert refused.value.code == "INVALID_PAGE_SIZE"
