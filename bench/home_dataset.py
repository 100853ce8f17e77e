"""The dataset of the home-query benchmark, built through the project's models (bulk_create).

One organisation, two locations, ten groups of ten children (three staff each, one of them
the mentor, all with a photo), 100 children in families of one or two (two guardians each),
200 timeline items per child (every group also has 20 posts about all its ten children;
1-3 files each, mostly photos with a thumbnail, some videos without one, a few files still
PENDING), and placements: a running one for everyone, a future one for some, an old ended one
for some, and a few children whose care ended long ago (outside the parents' access window).
The files need not exist on disk: the home query only hands out signed URLs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

GROUPS = 10
CHILDREN_PER_GROUP = 10
STAFF_PER_GROUP = 3
ITEMS_PER_CHILD = 200
GROUP_POSTS = 20  # per group, about all its children (part of each child's 200)
PASSWORD = "bench-password-1234"
SCHEDULES = [
    [
        {"weekday": 0, "start": "07:30", "end": "18:00"},
        {"weekday": 2, "start": "08:00", "end": "17:30"},
    ],
    [
        {"weekday": 3, "start": "08:15", "end": "18:30"},
        {"weekday": 1, "start": "07:45", "end": "13:00"},
    ],
    [],
]


@dataclass
class Dataset:
    organisation_slug: str = "bench"
    # e-mail addresses of the parents the bench logs in (a sample of all parents)
    sample_emails: list[str] = field(default_factory=list)
    parents: int = 0
    children: int = 0
    items: int = 0
    media: int = 0


async def build(url: str, sample: int, seed: int = 8) -> Dataset:
    """Migrate the empty database at `url` and fill it; returns what the bench needs."""
    from tortoise import Tortoise

    import db
    from models import (
        CareType,
        Child,
        Group,
        Guardianship,
        Location,
        MediaFile,
        MediaKind,
        MediaStatus,
        Organisation,
        Placement,
        Role,
        StaffAssignment,
        TimelineItem,
        TimelineItemChild,
        TimelineKind,
        TimelineMedia,
        User,
    )
    from services import passwords

    rng = random.Random(seed)
    await db.apply_migrations(url)
    await Tortoise.init(config=db.tortoise_config(url))
    try:
        org = await Organisation.create(slug="bench", name="Kinderopvang Bench")
        await Location.bulk_create(
            [
                Location(
                    organisation=org, name=f"Locatie {n}", phone=f"020-55500{n}", city="Utrecht"
                )
                for n in range(2)
            ]
        )
        locations = await Location.filter(organisation=org).order_by("id")
        await Group.bulk_create(
            [
                Group(
                    organisation=org,
                    location=locations[g % 2],
                    name=f"Groep {g}",
                    care_type=CareType.KDV if g % 3 else CareType.BSO,
                    capacity=16,
                    keeps_diary=True,  # staff write diaries (bench/home_writes.py)
                )
                for g in range(GROUPS)
            ]
        )
        groups = await Group.filter(organisation=org).order_by("id")
        media_rows: list[MediaFile] = []

        def media(kind: MediaKind, ready: bool = True) -> MediaFile:
            n = len(media_rows)
            photo = kind is MediaKind.PHOTO
            row = MediaFile(
                organisation=org,
                kind=kind,
                status=MediaStatus.READY if ready else MediaStatus.PENDING,
                content_type="image/jpeg" if photo else "video/mp4",
                filename=f"f{n}.{'jpg' if photo else 'mp4'}",
                size=100_000 + n,
                width=1600 if photo else None,
                height=1200 if photo else None,
                storage_key=f"{org.id}/{kind.value}/bench-{n}",
                thumbnail_key=f"{org.id}/{kind.value}/bench-{n}-t" if photo and ready else None,
            )
            media_rows.append(row)
            return row

        # Staff with photos.
        staff = [
            User(
                organisation=org,
                email=f"staff{n}@bench.test",
                first_name=f"Leid{n}",
                last_name="Ster",
                role=Role.STAFF,
            )
            for n in range(GROUPS * STAFF_PER_GROUP)
        ]
        await User.bulk_create(staff, batch_size=1000)
        staff = await User.filter(organisation=org, role=Role.STAFF).order_by("id")
        photos = [media(MediaKind.PHOTO) for _ in staff]
        await MediaFile.bulk_create(photos, batch_size=1000)
        photo_ids = dict(
            zip(
                [m.storage_key for m in photos],
                await _ids(MediaFile, [m.storage_key for m in photos]),
                strict=True,
            )
        )
        for user, photo in zip(staff, photos, strict=True):
            user.photo_id = photo_ids[photo.storage_key]  # type: ignore[attr-defined]
        await User.bulk_update(staff, fields=["photo_id"], batch_size=1000)
        today = date.today()
        await StaffAssignment.bulk_create(
            [
                StaffAssignment(
                    user=s,
                    group=groups[i // STAFF_PER_GROUP],
                    start_date=today - timedelta(days=400),
                )
                for i, s in enumerate(staff)
            ]
        )

        # Children, in families of one or two (siblings in the same group).
        total = GROUPS * CHILDREN_PER_GROUP
        await Child.bulk_create(
            [
                Child(
                    organisation=org,
                    first_name=f"Kind{n}",
                    last_name=f"Achternaam{n // 2:03d}",
                    birth_date=date(2022, 1, 1) + timedelta(days=n * 7),
                )
                for n in range(total)
            ]
        )
        children = await Child.filter(organisation=org).order_by("id")
        families: list[list] = []
        n = 0
        while n < total:
            size = 2 if n % 5 == 0 and n + 1 < total else 1  # about a third in two-child families
            families.append(children[n : n + size])
            n += size
        hashed = passwords.hash_password(PASSWORD)
        parents = [
            User(
                organisation=org,
                email=f"parent{f}-{k}@bench.test",
                first_name=f"Ouder{f}",
                last_name=f"Familie{k}",
                role=Role.PARENT,
                password_hash=hashed,
            )
            for f in range(len(families))
            for k in range(2)
        ]
        await User.bulk_create(parents, batch_size=1000)
        parent_rows = {u.email: u for u in await User.filter(organisation=org, role=Role.PARENT)}
        await Guardianship.bulk_create(
            [
                Guardianship(child=c, user=parent_rows[f"parent{f}-{k}@bench.test"])
                for f, family in enumerate(families)
                for k in range(2)
                for c in family
            ],
            batch_size=1000,
        )

        # Placements: running (with a mentor), sometimes a future one, an old one, or only
        # an old one (care ended a year ago: outside the access window, so hidden).
        placements = []
        for i, child in enumerate(children):
            group = groups[i // CHILDREN_PER_GROUP]
            mentor = staff[(i // CHILDREN_PER_GROUP) * STAFF_PER_GROUP + i % STAFF_PER_GROUP]
            common = {"organisation": org, "child": child, "schedule": SCHEDULES[i % 3]}
            if _ended_long_ago(i):
                placements.append(
                    Placement(
                        **common,
                        group=group,
                        care_type=group.care_type,
                        start_date=today - timedelta(days=700),
                        end_date=today - timedelta(days=365),
                        mentor=mentor,
                    )
                )
                continue
            placements.append(
                Placement(
                    **common,
                    group=group,
                    care_type=group.care_type,
                    start_date=today - timedelta(days=300 + i),
                    mentor=mentor,
                )
            )
            if i % 4 == 1:
                other = groups[(i // CHILDREN_PER_GROUP + 1) % GROUPS]
                placements.append(
                    Placement(
                        **common,
                        group=other,
                        care_type=CareType.BSO,
                        start_date=today + timedelta(days=30 + i),
                    )
                )
            if i % 5 == 2:
                placements.append(
                    Placement(
                        **common,
                        group=groups[0],
                        care_type=CareType.FLEX_KDV,
                        start_date=today - timedelta(days=800),
                        end_date=today - timedelta(days=400),
                    )
                )
        await Placement.bulk_create(placements, batch_size=1000)

        # Timeline: per child 180 own posts, plus 20 group posts about all ten of the group.
        now = datetime.now(UTC).replace(microsecond=0)
        posts: list[tuple[TimelineItem, list, list[MediaFile]]] = []

        def post(g: int, about: list) -> None:
            author = staff[g * STAFF_PER_GROUP + rng.randrange(STAFF_PER_GROUP)]
            moment = now - timedelta(seconds=rng.randrange(200 * 86400))
            if rng.random() < 0.1:
                moment = moment.replace(second=0)  # some ties on the minute
            files = []
            for _ in range(rng.randint(1, 3)):
                roll = rng.random()
                kind = MediaKind.VIDEO if roll < 0.1 else MediaKind.PHOTO
                files.append(media(kind, ready=roll > 0.02))
            item = TimelineItem(
                organisation=org,
                kind=TimelineKind.PHOTO_POST,
                group=groups[g],
                author=author,
                caption=f"Vandaag bij {groups[g].name} \u2013 post {len(posts)} \U0001f60a",
                posted_at=moment,
            )
            posts.append((item, about, files))

        for g in range(GROUPS):
            members = children[g * CHILDREN_PER_GROUP : (g + 1) * CHILDREN_PER_GROUP]
            for _ in range(GROUP_POSTS):
                post(g, members)
            for child in members:
                for _ in range(ITEMS_PER_CHILD - GROUP_POSTS):
                    post(g, [child])
        files = [f for _, _, fs in posts for f in fs]
        await MediaFile.bulk_create(files, batch_size=2000)
        keys = [f.storage_key for f in files]
        file_ids = dict(zip(keys, await _ids(MediaFile, keys), strict=True))
        await TimelineItem.bulk_create([p[0] for p in posts], batch_size=2000)
        item_ids = (
            await TimelineItem.filter(organisation=org).order_by("id").values_list("id", flat=True)
        )
        links, media_links = [], []
        for (item, about, fs), item_id in zip(posts, item_ids, strict=True):
            links += [
                TimelineItemChild(item_id=item_id, child=c, posted_at=item.posted_at) for c in about
            ]
            media_links += [
                TimelineMedia(item_id=item_id, media_id=file_ids[f.storage_key], position=p)
                for p, f in enumerate(fs)
            ]
        await TimelineItemChild.bulk_create(links, batch_size=2000)
        await TimelineMedia.bulk_create(media_links, batch_size=2000)

        # The sample: families spread over all (a quarter of them with two children), and
        # the two-child family where one child's care ended long ago (access window).
        index = {c.id: i for i, c in enumerate(children)}
        hidden = next(
            f
            for f, family in enumerate(families)
            if len(family) == 2 and any(_ended_long_ago(index[c.id]) for c in family)
        )
        chosen = [hidden] + [
            f
            for f in ((n * 37) % len(families) for n in range(len(families)))
            if not all(_ended_long_ago(index[c.id]) for c in families[f])  # nothing to show
        ]
        chosen = list(dict.fromkeys(chosen))[: max(1, sample)]
        emails = [f"parent{f}-0@bench.test" for f in chosen]
        return Dataset(
            sample_emails=emails,
            parents=len(parents),
            children=total,
            items=len(posts),
            media=len(media_rows),
        )
    finally:
        await Tortoise.close_connections()


def _ended_long_ago(child_index: int) -> bool:
    return child_index % 33 == 32


async def _ids(model, storage_keys: list[str]) -> list[int]:
    """The ids of the files with these keys (one query for all: no 32k-parameter limit)."""
    rows = dict(await model.all().values_list("storage_key", "id"))
    return [rows[k] for k in storage_keys]
