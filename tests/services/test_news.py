"""News rules: who publishes, who reads what, paging, editing, withdrawing, reach, events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from models import Event, MediaKind, MediaStatus, NewsAttachment, NewsItem, NewsRead, Role
from services import clock, locations, media_access, news
from services.errors import AccessDenied, RefusedError
from services.events import StoredEvent
from services.publishing import Keyset
from tests import factories
from tests.publication_samples import principal_of, ready_file

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_clock():
    clock.set_clock(lambda: NOW)
    yield
    clock.set_clock(None)


async def feed_titles(user, size: int = 20) -> list[str]:
    principal = await principal_of(user)
    ids = await locations.location_ids_for(principal)
    rows, _ = await news.feed(principal, ids, size)
    return [r.title for r in rows]


async def publish(planner, title="Nieuws", **kwargs) -> NewsItem:
    return await news.publish(await principal_of(planner), title=title, body="Tekst", **kwargs)


async def test_a_planner_publishes_for_the_organisation_and_records_an_event(db):
    # given
    t = await factories.tenant()
    # when
    item = await publish(t.planner, title="  Sluitingsdagen  ")
    # then
    stored = await NewsItem.get(id=item.id)
    assert (stored.title, stored.published_at, stored.location_id) == ("Sluitingsdagen", NOW, None)
    event = await Event.get(type="news.published")
    assert event.topic == f"organisation:{t.org.id}"
    assert event.payload == {"newsItemId": item.id}


class Recorder:
    """A Publisher that remembers what it was asked to publish (and whether it was stored)."""

    def __init__(self) -> None:
        self.events: list[tuple[StoredEvent, bool]] = []

    async def publish(self, event: StoredEvent) -> None:
        self.events.append((event, await Event.exists(id=event.id)))


async def test_the_event_is_handed_to_the_publisher_after_it_is_stored(db):
    # given
    t = await factories.tenant()
    planner = await principal_of(t.planner)
    recorder = Recorder()
    # when
    item = await news.publish(planner, title="N", body="B", publisher=recorder)
    await news.update(planner, item.id, title="M", publisher=recorder)
    await news.withdraw(planner, item.id, publisher=recorder)
    # then
    assert [(e.type, e.payload, stored) for e, stored in recorder.events] == [
        ("news.published", {"newsItemId": item.id}, True),
        ("news.updated", {"newsItemId": item.id}, True),
        ("news.withdrawn", {"newsItemId": item.id}, True),
    ]


async def test_news_for_one_location_is_recorded_for_that_location(db):
    # given
    t = await factories.tenant()
    # when
    item = await publish(t.planner, location_id=t.location.id)
    # then
    assert (await Event.get(type="news.published")).topic == f"location:{t.location.id}"
    assert item.location_id == t.location.id


@pytest.mark.parametrize(
    ("title", "body", "code"),
    [
        ("   ", "Tekst", "TITLE_REQUIRED"),
        ("x" * 201, "Tekst", "TITLE_TOO_LONG"),
        ("Titel", " \n ", "BODY_REQUIRED"),
        ("Titel", "x" * 20_001, "BODY_TOO_LONG"),
    ],
)
async def test_bad_texts_are_refused_and_nothing_is_stored(db, title, body, code):
    # given
    t = await factories.tenant()
    planner = await principal_of(t.planner)
    # when
    with pytest.raises(RefusedError) as refused:
        await news.publish(planner, title=title, body=body)
    # then
    assert refused.value.refusal.code == code
    assert await NewsItem.all().count() == 0
    assert await Event.all().count() == 0


async def test_a_planner_cannot_publish_for_a_location_of_another_organisation(db):
    # given
    t = await factories.tenant()
    other = await factories.tenant("zonnestraal")
    # when
    with pytest.raises(RefusedError) as refused:
        await publish(t.planner, location_id=other.location.id)
    # then
    assert refused.value.refusal.code == "LOCATION_NOT_FOUND"
    assert await NewsItem.all().count() == 0


@pytest.mark.parametrize("role", ["parent", "staff"])
async def test_parents_and_staff_cannot_publish(db, role):
    # given
    t = await factories.tenant()
    user = t.parent if role == "parent" else t.staff
    # when / then
    with pytest.raises(AccessDenied):
        await publish(user)


async def test_attachments_must_be_the_planners_own_ready_files(db):
    # given
    t = await factories.tenant()
    other_planner = await factories.user(t.org, Role.PLANNER)
    foreign = await ready_file(other_planner)
    pending = await ready_file(t.planner, status=MediaStatus.PENDING)
    own = await ready_file(t.planner)
    # when
    with pytest.raises(RefusedError) as not_theirs:
        await publish(t.planner, attachment_ids=[foreign.id])
    with pytest.raises(RefusedError) as not_ready:
        await publish(t.planner, attachment_ids=[pending.id])
    item = await publish(t.planner, attachment_ids=[own.id, own.id])
    # then
    assert not_theirs.value.refusal.code == "MEDIA_NOT_FOUND"
    assert not_ready.value.refusal.code == "MEDIA_NOT_READY"
    assert await NewsAttachment.filter(news_item_id=item.id).values_list("media_id", flat=True) == [
        own.id
    ]


async def test_more_than_ten_attachments_are_refused(db):
    # given
    t = await factories.tenant()
    files = [await ready_file(t.planner, MediaKind.PHOTO) for _ in range(11)]
    # when
    with pytest.raises(RefusedError) as refused:
        await publish(t.planner, attachment_ids=[f.id for f in files])
    # then
    assert refused.value.refusal.code == "TOO_MANY_ATTACHMENTS"


async def test_a_parent_reads_organisation_news_and_news_of_their_locations_only(db):
    # given
    t = await factories.tenant()
    elsewhere = await factories.location(t.org, "Het Klavertje")
    await publish(t.planner, title="Voor iedereen")
    await publish(t.planner, title="Boomgaard", location_id=t.location.id)
    await publish(t.planner, title="Klavertje", location_id=elsewhere.id)
    other = await factories.tenant("zonnestraal")
    await publish(other.planner, title="Zonnestraal")
    # when
    titles = await feed_titles(t.parent)
    # then
    assert sorted(titles) == ["Boomgaard", "Voor iedereen"]


async def test_drafts_withdrawn_and_future_items_are_not_in_the_feed(db):
    # given
    t = await factories.tenant()
    await NewsItem.create(organisation=t.org, title="Concept", body="x", published_at=None)
    await NewsItem.create(
        organisation=t.org, title="Later", body="x", published_at=NOW + timedelta(hours=1)
    )
    await NewsItem.create(
        organisation=t.org, title="Weg", body="x", published_at=NOW, withdrawn_at=NOW
    )
    await publish(t.planner, title="Zichtbaar")
    # when
    titles = await feed_titles(t.parent)
    # then
    assert titles == ["Zichtbaar"]


async def test_the_feed_is_newest_first_and_pages_without_gaps_or_duplicates(db):
    # given: five items, two of them published at the very same moment
    t = await factories.tenant()
    moments = [NOW - timedelta(days=d) for d in (3, 1, 1, 2, 0)]
    for n, moment in enumerate(moments):
        await NewsItem.create(organisation=t.org, title=f"n{n}", body="x", published_at=moment)
    principal = await principal_of(t.parent)
    ids = await locations.location_ids_for(principal)
    # when
    seen, after = [], None
    while True:
        rows, has_next = await news.feed(principal, ids, 2, after)
        seen += [r.title for r in rows]
        if not has_next:
            break
        after = Keyset(rows[-1].published_at, rows[-1].id)
    # then
    assert seen == ["n4", "n2", "n1", "n3", "n0"]


async def test_a_planner_edits_text_location_and_attachments(db):
    # given
    t = await factories.tenant()
    first = await ready_file(t.planner)
    item = await publish(t.planner, attachment_ids=[first.id])
    colleague = await factories.user(t.org, Role.PLANNER)
    second = await ready_file(colleague)
    # when: a colleague keeps the first file (not theirs) and adds their own
    updated = await news.update(
        await principal_of(colleague),
        item.id,
        title="Nieuwe titel",
        location_id=t.location.id,
        attachment_ids=[second.id, first.id],
    )
    # then
    stored = await NewsItem.get(id=item.id)
    assert (stored.title, stored.body, stored.location_id) == (
        "Nieuwe titel",
        "Tekst",
        t.location.id,
    )
    assert updated.published_at == NOW
    links = await NewsAttachment.filter(news_item_id=item.id).order_by("id")
    assert [link.media_id for link in links] == [second.id, first.id]
    assert await Event.filter(type="news.updated").count() == 1


async def test_an_edit_with_a_bad_title_changes_nothing(db):
    # given
    t = await factories.tenant()
    item = await publish(t.planner, title="Oud")
    # when
    with pytest.raises(RefusedError):
        await news.update(await principal_of(t.planner), item.id, title="", body="Nieuw")
    # then
    stored = await NewsItem.get(id=item.id)
    assert (stored.title, stored.body) == ("Oud", "Tekst")


async def test_a_planner_of_another_organisation_cannot_edit_or_withdraw(db):
    # given
    t = await factories.tenant()
    other = await factories.tenant("zonnestraal")
    item = await publish(t.planner)
    stranger = await principal_of(other.planner)
    # when / then
    with pytest.raises(AccessDenied) as edit:
        await news.update(stranger, item.id, title="Gekaapt")
    with pytest.raises(AccessDenied) as withdraw:
        await news.withdraw(stranger, item.id)
    assert edit.value.code == withdraw.value.code == "NOT_FOUND"
    assert (await NewsItem.get(id=item.id)).withdrawn_at is None


async def test_withdrawing_removes_the_item_from_the_feed_once(db):
    # given
    t = await factories.tenant()
    item = await publish(t.planner)
    planner = await principal_of(t.planner)
    # when
    await news.withdraw(planner, item.id)
    with pytest.raises(RefusedError) as again:
        await news.withdraw(planner, item.id)
    with pytest.raises(RefusedError) as edit:
        await news.update(planner, item.id, title="Toch")
    # then
    assert await feed_titles(t.parent) == []
    assert again.value.refusal.code == edit.value.refusal.code == "ALREADY_WITHDRAWN"
    assert (await Event.get(type="news.withdrawn")).payload == {"newsItemId": item.id}


async def test_reading_is_recorded_once_per_user(db):
    # given
    t = await factories.tenant()
    item = await publish(t.planner)
    parent = await principal_of(t.parent)
    ids = await locations.location_ids_for(parent)
    # when
    await news.mark_read(parent, item.id, ids)
    await news.mark_read(parent, item.id, ids)
    # then
    assert await NewsRead.filter(news_item_id=item.id).count() == 1
    assert await news.read_item_ids(t.parent.id, [item.id]) == {item.id}
    assert await news.read_counts([item.id]) == {item.id: 1}


async def test_an_item_out_of_scope_cannot_be_marked_read(db):
    # given
    t = await factories.tenant()
    elsewhere = await factories.location(t.org, "Het Klavertje")
    item = await publish(t.planner, location_id=elsewhere.id)
    parent = await principal_of(t.parent)
    # when
    result = await news.mark_read(parent, item.id, await locations.location_ids_for(parent))
    # then
    assert result is None
    assert await NewsRead.all().count() == 0


async def test_an_attachment_is_downloadable_while_the_item_is_in_the_readers_feed(db):
    # given
    t = await factories.tenant()
    other = await factories.tenant("zonnestraal")
    file = await ready_file(t.planner)
    item = await publish(t.planner, attachment_ids=[file.id])
    parent = await principal_of(t.parent)
    # when
    before = await media_access.may_read(parent, file)
    foreign = await media_access.may_read(await principal_of(other.parent), file)
    await news.withdraw(await principal_of(t.planner), item.id)
    after = await media_access.may_read(parent, file)
    # then
    assert before is True
    assert foreign is False
    assert after is False
