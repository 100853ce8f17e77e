"""services.sql_rows.instances: model instances from one statement's JSON rows are the
instances an ordinary query makes, value for value and type for type, and save like them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from models import (
    Child,
    DiaryEntry,
    Group,
    MediaFile,
    Organisation,
    Placement,
    Role,
    TimelineItem,
    TimelineItemChild,
    TimelineMedia,
    User,
)
from services import clock
from services.sql_rows import Statement, columns, instances, moment, utc_iso_text
from tests import factories, timeline_samples


async def from_json(model, pk: int, compact: bool = False):  # type: ignore[no-untyped-def]
    q = Statement()
    found = q.rows(model, "t.id = :id", compact=compact)
    row = await q.fetch_row(f"SELECT {found} AS found", {"id": pk})
    assert row is not None
    (instance,) = instances(model, row["found"])
    return instance


def values(instance) -> dict:  # type: ignore[no-untyped-def]
    meta = instance._meta
    return {
        name: (getattr(instance, name), type(getattr(instance, name)))
        for name in meta.fields_db_projection
    }


@pytest.mark.parametrize("compact", [False, True], ids=["objects", "arrays"])
async def test_instances_from_json_rows_are_those_a_query_makes(db, compact):
    # given rows of every kind the home screen and authentication read (dates, times, enums,
    # JSON, null foreign keys, booleans)
    t = await factories.tenant()
    parent = await factories.user(t.org, Role.PARENT)
    staff = await factories.user(t.org, Role.STAFF)
    child = await factories.child(t.org, guardians=[parent], grp=t.babies)
    placement = await factories.placement(child, t.babies, end=clock.today() + timedelta(days=9))
    photo = await timeline_samples.stored_photo(staff)
    post = await timeline_samples.photo_post(t.babies, staff, [child], [photo])
    entry, card = await timeline_samples.diary_card(child, t.babies, staff)
    link = await TimelineItemChild.get(item_id=post.id)
    position = await TimelineMedia.get(item_id=post.id)
    rows = [
        (Organisation, t.org.id),
        (User, parent.id),
        (User, staff.id),
        (Child, child.id),
        (Group, t.babies.id),
        (Placement, placement.id),
        (MediaFile, photo.id),
        (TimelineItem, post.id),
        (TimelineItem, card.id),
        (DiaryEntry, entry.id),
        (TimelineItemChild, link.id),
        (TimelineMedia, position.id),
    ]
    for model, pk in rows:
        # when
        built = await from_json(model, pk, compact)
        fetched = await model.get(id=pk)
        # then every column has the same value of the same type
        assert values(built) == values(fetched), model.__name__
        assert len(values(built)) == len(columns(model))
        assert built._saved_in_db and not built._partial


async def test_an_instance_from_json_rows_saves_as_an_update(db):
    # given
    t = await factories.tenant()
    staff = await factories.user(t.org, Role.STAFF)
    built = await from_json(User, staff.id)
    # when
    built.first_name = "Anouk"
    await built.save()
    # then the row changed, and no row was added
    assert (await User.get(id=staff.id)).first_name == "Anouk"
    assert await User.filter(id__gt=staff.id).count() == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-29T18:12:17.123456+00:00", datetime(2026, 11, 29, 18, 12, 17, 123456, UTC)),
        ("2026-11-29T18:12:17Z", datetime(2026, 11, 29, 18, 12, 17, tzinfo=UTC)),
        ("2026-11-29T19:12:17.5+01:00", datetime(2026, 11, 29, 18, 12, 17, 500000, UTC)),
        ("2026-11-29 18:12:17.5", datetime(2026, 11, 29, 18, 12, 17, 500000, UTC)),  # SQLite
    ],
)
def test_a_timestamp_reads_as_an_aware_moment_in_utc(text, expected):
    # when
    at = moment(text)

    # then: the same instant, in the UTC zone itself (as Tortoise gives it)
    assert at == expected
    assert at.tzinfo is UTC


def test_a_value_that_is_no_text_is_left_as_it_is():
    # given
    at = datetime(2026, 11, 29, 18, 12, tzinfo=UTC)

    # when / then
    assert moment(at) is at
    assert moment(None) is None


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-29T18:12:17.123456+00:00",
        "2026-11-29T18:12:17.12+00:00",
        "2026-11-29T18:12:17.000001+00:00",
        "2026-11-29T18:12:17.5+00:00",
        "2026-11-29T18:12:17+00:00",
        "1999-01-01T00:00:00.1+00:00",
    ],
)
def test_a_utc_timestamp_as_postgresql_writes_it_reads_as_python_writes_it(text):
    # when / then: the text isoformat gives for the moment, without parsing it
    assert utc_iso_text(text) == moment(text).isoformat()


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-29T19:12:17.12+01:00",  # another offset
        "2026-11-29 18:12:17.12+00:00",  # SQLite's text
        "2026-11-29T18:12:17.+00:00",
        "2026-11-29T18:12:17.1234567+00:00",
        "2026-11-29T18:12:17.12a+00:00",
        "12026-11-29T18:12:17+00:00",
        "2026-11-29T18:12:17+00:00 BC",
        "2026-11-29T18:12:17",
    ],
)
def test_any_other_form_is_left_to_parsing(text):
    # when / then
    assert utc_iso_text(text) is None


async def test_postgresql_writes_timestamps_in_the_form_read_without_parsing(db):
    # given timestamps with and without (trailing zeros in) their fractions
    q = Statement()
    if not q.postgres:
        pytest.skip("SQLite keeps Tortoise's text, read by parsing (the fallback above)")
    moments = [
        "2026-01-01 10:00:00+00",
        "2026-01-01 10:00:00.12+00",
        "2026-01-01 10:00:00.123456+00",
    ]
    # when PostgreSQL writes them in JSON
    row = await q.fetch_row(
        "SELECT json_build_array(" + ", ".join(f"'{m}'::timestamptz" for m in moments) + ") AS at",
        {},
    )
    # then each reads without parsing as Python writes it
    assert row is not None
    assert [utc_iso_text(text) for text in row["at"]] == [moment(t).isoformat() for t in row["at"]]
