"""What parents follow: photo posts on the timeline, diary day-reports and conversations."""

from __future__ import annotations

from datetime import date, timedelta

from demo import data
from demo.context import Seeder, Tenant
from demo.images import Picture
from models import (
    CareType,
    Child,
    Conversation,
    ConversationRead,
    DiaryEntry,
    DiaryMedia,
    Group,
    MediaFile,
    MediaKind,
    Message,
    TimelineItem,
    TimelineItemChild,
    TimelineKind,
    TimelineMedia,
    User,
)


async def _photo(
    s: Seeder, tenant: Tenant, picture: Picture, author: User, day: date, n: int
) -> MediaFile:
    return await s.media(
        tenant.org,
        MediaKind.PHOTO,
        picture.jpeg,
        content_type="image/jpeg",
        filename=f"IMG_{day:%Y%m%d}_{n:04d}.jpg",
        uploaded_by=author,
        width=picture.width,
        height=picture.height,
        thumbnail=picture.thumbnail,
    )


async def photo_posts(
    s: Seeder,
    tenant: Tenant,
    pool: tuple[Picture, ...],
    *,
    days_back: int,
    chance: float,
    absent: set[tuple[int, date]] | None = None,
) -> None:
    """Photo posts by group staff about one to three children present, on some working days."""
    child_links: list[TimelineItemChild] = []
    media_links: list[TimelineMedia] = []
    start = s.today - timedelta(days=days_back)
    for key, group in tenant.groups.items():
        for day in s.working_days(start, s.today - timedelta(days=1)):
            if s.rng.random() > chance:
                continue
            staff = tenant.staff_on(key, day)
            children = [
                c for c in tenant.children_in(key, day) if (c.id, day) not in (absent or ())
            ]
            if not children or not staff:
                continue
            chosen = s.rng.sample(children, min(len(children), s.rng.randint(1, 3)))
            author = s.rng.choice(staff)
            pictures = s.rng.sample(pool, s.rng.choice((1, 1, 2, 3)))
            after_school = group.care_type in (CareType.BSO, CareType.FLEX_BSO)
            posted_at = s.at(
                day, s.clock("15:00", "18:00") if after_school else s.clock("09:45", "16:30")
            )
            item = await TimelineItem.create(
                organisation=tenant.org,
                kind=TimelineKind.PHOTO_POST,
                group=group,
                author=author,
                caption=data.PHOTO_CAPTIONS[pictures[0].theme],
                posted_at=posted_at,
                created_at=posted_at,
            )
            child_links += [
                TimelineItemChild(item=item, child=c, posted_at=posted_at) for c in chosen
            ]
            for position, picture in enumerate(pictures):
                media = await _photo(s, tenant, picture, author, day, s.rng.randint(1000, 9999))
                media_links.append(TimelineMedia(item=item, media=media, position=position))
    await TimelineItemChild.bulk_create(child_links)
    await TimelineMedia.bulk_create(media_links)


def _diary_details(s: Seeder, child: Child, day: date) -> dict:
    rng = s.rng
    months = (day - child.birth_date).days / 30.44
    meals = [("fles", "150 ml")] if months < 6 else list(data.BABY_MEALS)
    meal_times = sorted(
        rng.sample(("08:45", "09:30", "11:30", "12:00", "14:45", "15:30", "16:15"), 3)
    )
    sleeps = [{"start": s.clock("09:30", "10:30"), "end": s.clock("11:00", "11:45")}]
    if months < 9 or rng.random() < 0.5:
        sleeps.append({"start": s.clock("13:00", "13:45"), "end": s.clock("14:30", "15:30")})
    nappy_times = sorted(
        rng.sample(("08:30", "10:00", "11:50", "13:15", "15:00", "16:30"), rng.randint(2, 4))
    )
    return {
        "meals": [
            dict(zip(("time", "what", "amount"), (t, *rng.choice(meals)), strict=True))
            for t in meal_times
        ],
        "sleeps": sleeps,
        "nappies": [{"time": t, "kind": rng.choice(("wet", "wet", "dirty"))} for t in nappy_times],
        "mood": rng.choice(data.MOODS),
        "activities": rng.sample(data.ACTIVITIES, rng.randint(1, 3)),
    }


def _diary_text(s: Seeder, child: Child, details: dict) -> str:
    words = {
        "name": child.first_name,
        "mood": details["mood"],
        "activity": details["activities"][0],
        "activity_verb": s.rng.choice(data.DIARY_VERBS),
    }
    parts = [s.rng.choice(data.DIARY_OPENINGS)]
    parts += s.rng.sample(data.DIARY_MIDDLES, s.rng.randint(1, 2))
    text = " ".join(part.format(**words) for part in parts)
    return text[0].upper() + text[1:]


async def _diary_entry(
    s: Seeder,
    tenant: Tenant,
    child: Child,
    group: Group,
    author: User,
    day: date,
    hhmm: str,
    text: str,
    details: dict,
) -> DiaryEntry:
    at = s.at(day, hhmm)
    entry = await DiaryEntry.create(
        organisation=tenant.org,
        child=child,
        group=group,
        author=author,
        date=day,
        text=text,
        details=details,
        created_at=at,
    )
    item = await TimelineItem.create(
        organisation=tenant.org,
        kind=TimelineKind.DIARY,
        group=group,
        author=author,
        diary_entry=entry,
        posted_at=at,
        created_at=at,
    )
    await TimelineItemChild.create(item=item, child=child, posted_at=at)
    return entry


async def diaries(
    s: Seeder, tenant: Tenant, pool: tuple[Picture, ...], absent: set[tuple[int, date]]
) -> None:
    """Staff day-reports for the last 10 working days in diary groups, and a few by parents."""
    days = s.working_days(s.today - timedelta(days=21), s.today - timedelta(days=1))[-10:]
    for key, group in tenant.groups.items():
        if not group.keeps_diary:
            continue
        attended: list[tuple[Child, date]] = []
        for day in days:
            staff = tenant.staff_on(key, day)
            for child in tenant.children_in(key, day):
                flexible = not tenant.attends(child, day).schedule
                if (child.id, day) in absent or (flexible and s.rng.random() < 0.5) or not staff:
                    continue
                attended.append((child, day))
                author = s.rng.choice(staff)
                details = _diary_details(s, child, day)
                entry = await _diary_entry(
                    s,
                    tenant,
                    child,
                    group,
                    author,
                    day,
                    s.clock("16:30", "17:45"),
                    _diary_text(s, child, details),
                    details,
                )
                if s.rng.random() < 0.35:
                    media = await _photo(
                        s, tenant, s.rng.choice(pool), author, day, s.rng.randint(1000, 9999)
                    )
                    await DiaryMedia.create(entry=entry, media=media, position=0)
        # Parents write too: the first family twice, two other children once.
        first = (
            [pair for pair in attended if pair[0].id == attended[0][0].id][-2:] if attended else []
        )
        others = [pair for pair in attended if pair not in first]
        for child, day in first + s.rng.sample(others, min(2, len(others))):
            parent = tenant.guardians[child.id][0]
            text = s.rng.choice(data.PARENT_DIARY_TEXTS).format(name=child.first_name)
            await _diary_entry(
                s, tenant, child, group, parent, day, s.clock("07:00", "07:55"), text, {}
            )


async def conversations(s: Seeder, tenant: Tenant, absent: set[tuple[int, date]]) -> None:
    """Conversations between parents and groups; some with messages the other side has not read."""
    recent = s.working_days(s.today - timedelta(days=40), s.today - timedelta(days=1))
    unread_for_parent, unread_for_staff = {"Finn", "Olivia"}, {"Sem"}
    for index, (child_name, subject, lines) in enumerate(data.CONVERSATIONS):
        child = tenant.children[child_name]
        placement = tenant.current_placement(child, s.today)
        key = tenant.group_key(placement.group_id)
        staff = placement.mentor or tenant.staff_on(key, s.today)[0]
        parent = tenant.guardians[child.id][0]
        # About three working days apart, on a day the child was there.
        there = [
            d
            for d in recent[: len(recent) - index * 3]
            if tenant.attends(child, d) and (child.id, d) not in absent
        ]
        sent_at = s.at(there[-1] if there else recent[-1], s.clock("07:40", "09:00"))
        authors = [parent if who == "parent" else staff for who, _ in lines]
        conversation = await Conversation.create(
            organisation=tenant.org,
            child=child,
            group=tenant.groups[key],
            subject=subject,
            started_by=authors[0],
            last_message_at=sent_at,
            created_at=sent_at,
        )
        messages: list[Message] = []
        for author, (_, body) in zip(authors, lines, strict=True):
            messages.append(
                await Message.create(
                    conversation=conversation,
                    author=author,
                    body=body,
                    sent_at=sent_at,
                    created_at=sent_at,
                )
            )
            sent_at += timedelta(minutes=s.rng.randint(6, 95))
        conversation.last_message_at = messages[-1].sent_at
        await conversation.save(update_fields=["last_message_at"])
        for reader, unread in ((parent, unread_for_parent), (staff, unread_for_staff)):
            read = messages
            if child_name in unread:  # read up to their own last message
                read = [m for m in messages if m.author_id == reader.id] or messages[:1]
            await ConversationRead.create(
                conversation=conversation,
                user=reader,
                last_read_message_id=read[-1].id,
                read_at=read[-1].sent_at + timedelta(minutes=2),
            )
