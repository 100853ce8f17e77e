"""Who is told about what: every event type in the registry, its recipients and its author."""

from __future__ import annotations

from datetime import time, timedelta

from models import (
    DayKind,
    DayRequest,
    DayStatus,
    DiaryEntry,
    Document,
    DocumentKind,
    Event,
    NotificationDelivery,
    NotificationItem,
    NotificationSetting,
    Placement,
    RequestedDay,
    TimelineItem,
    TimelineItemChild,
    TimelineKind,
)
from services import auth, clock, news, newsletters
from services.diary_events import diary_entry_event
from services.events import DomainEvent, record
from services.expiry import decision_event
from services.notifications import dispatch
from services.notifications.registry import HANDLERS
from services.timeline import ITEM_ADDED
from tests import factories


async def principal(user):
    return await auth.authenticate(await factories.token_for(user))


async def mail_everything(*users) -> None:
    for user in users:
        for item in NotificationItem:
            await NotificationSetting.create(user=user, item=item, push=True, email=True)


async def mailed() -> dict[int, list[str]]:
    """user id -> kinds of the e-mail deliveries written."""
    await dispatch.fan_out_once()
    out: dict[int, list[str]] = {}
    for row in await NotificationDelivery.filter(channel="email").order_by("id"):
        out.setdefault(row.user_id, []).append(row.kind)
    return out


def test_every_event_type_the_capabilities_record_has_a_handler():
    assert {
        "message.added",
        "diary_entry.added",
        "timeline.item_added",
        "news.published",
        "newsletter.published",
        "document.added",
        "day_request.decided",
        "day_request.expired",
    } <= set(HANDLERS)


async def test_a_diary_entry_by_staff_goes_to_the_guardians_not_the_author(db):
    # given
    t = await factories.tenant()
    await mail_everything(t.parent, t.other_parent, t.staff)
    entry = await DiaryEntry.create(
        organisation=t.org, child=t.child, group=t.babies, author=t.staff, date=clock.today()
    )
    await record(diary_entry_event(entry))
    # when / then
    assert await mailed() == {t.parent.id: ["diary_entry.added"]}


async def test_a_diary_entry_by_a_parent_goes_to_the_group_staff(db):
    t = await factories.tenant()
    await mail_everything(t.parent, t.staff, t.bso_staff)
    entry = await DiaryEntry.create(
        organisation=t.org, child=t.child, group=t.babies, author=t.parent, date=clock.today()
    )
    await record(diary_entry_event(entry))
    assert await mailed() == {t.staff.id: ["diary_entry.added"]}


async def test_a_photo_post_of_two_children_reaches_each_parent_once(db):
    # given: a post about Sam and Daan (one event per child)
    t = await factories.tenant()
    await mail_everything(t.parent, t.other_parent, t.staff)
    item = await TimelineItem.create(
        organisation=t.org,
        kind=TimelineKind.PHOTO_POST,
        group=t.babies,
        author=t.staff,
        posted_at=clock.now(),
    )
    for kid in (t.child, t.sibling, t.other_child):
        await TimelineItemChild.create(item=item, child=kid, posted_at=clock.now())
        await record(
            DomainEvent(
                ITEM_ADDED, f"child:{kid.id}", t.org.id, {"itemId": item.id, "childId": kid.id}
            )
        )
    # when / then: Sam and Noor share a parent, who hears it once
    assert await mailed() == {
        t.parent.id: ["timeline.item_added"],
        t.other_parent.id: ["timeline.item_added"],
    }


async def test_news_and_newsletters_reach_the_parents_of_the_location(db):
    # given: a parent whose child left long ago, and another organisation
    t = await factories.tenant()
    other = await factories.tenant("zonnetje")
    gone = await factories.user(t.org)
    await factories.child(
        t.org, guardians=[gone], grp=t.babies, end=clock.today() - timedelta(weeks=20)
    )
    await mail_everything(t.parent, t.other_parent, t.planner, gone, other.parent)
    planner = await principal(t.planner)
    # when
    await news.publish(planner, title="Sint komt", body="Op 5 december")
    await newsletters.publish(planner, title="December", html="<p>Nieuws</p>")
    # then
    assert await mailed() == {
        t.parent.id: ["news.published", "newsletter.published"],
        t.other_parent.id: ["news.published", "newsletter.published"],
    }


async def test_a_new_document_goes_to_its_owner_by_default_also_by_mail(db):
    # given: no settings (documents mail by default)
    t = await factories.tenant()
    doc = await Document.create(
        organisation=t.org, owner=t.parent, kind=DocumentKind.INVOICE, title="Factuur november"
    )
    await record(
        DomainEvent("document.added", f"user:{t.parent.id}", t.org.id, {"documentId": doc.id})
    )
    # when / then
    assert await mailed() == {t.parent.id: ["document.added"]}


async def test_a_decision_reaches_the_requester_and_guardians_not_the_planner(db):
    # given
    t = await factories.tenant()
    await mail_everything(t.planner)
    request = await DayRequest.create(organisation=t.org, requested_by=t.parent)
    day = await RequestedDay.create(
        organisation=t.org,
        request=request,
        child=t.child,
        group=t.babies,
        kind=DayKind.EXTRA,
        date=clock.today() + timedelta(days=3),
        start_time=time(8, 0),
        end_time=time(13, 0),
        status=DayStatus.APPROVED,
        decided_by=t.planner,
    )
    await record(decision_event("day_request.decided", request, [day]))
    await record(decision_event("day_request.expired", request, [day]))
    # when
    result = await mailed()
    # then
    assert result == {t.parent.id: ["day_request.decided", "day_request.expired"]}
    row = await NotificationDelivery.filter(kind="day_request.decided").first()
    assert row.data["params"] == {"child": "Sam", "approved": "1", "other": "0"}


async def test_an_unknown_event_type_is_passed_over(db):
    t = await factories.tenant()
    await mail_everything(t.parent)
    await record(DomainEvent("something.new", f"user:{t.parent.id}", t.org.id, {}))
    assert await mailed() == {}
    assert await Event.filter(type="something.new").exists()


async def test_a_child_out_of_the_access_window_no_longer_notifies_its_parent(db):
    t = await factories.tenant()
    await mail_everything(t.parent)
    await Placement.filter(child_id=t.child.id).update(end_date=clock.today() - timedelta(weeks=9))
    entry = await DiaryEntry.create(
        organisation=t.org, child=t.child, group=t.babies, author=t.staff, date=clock.today()
    )
    await record(diary_entry_event(entry))
    assert await mailed() == {}
