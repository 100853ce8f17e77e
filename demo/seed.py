"""Realistic, deterministic demo data: Kinderopvang Hoera and, to show isolation, Zonnestraal.

`seed()` expects Tortoise to be initialised. It creates nothing when a demo organisation
already exists (so running it twice is harmless); `reset_demo()` removes both first.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from tortoise.transactions import in_transaction

from demo import content, data, people, planning, publications
from demo.context import Seeder
from demo.images import picture_pool
from models import (
    Absence,
    Child,
    Conversation,
    CreditLedgerEntry,
    DiaryEntry,
    Document,
    Group,
    Location,
    MediaFile,
    Message,
    NewsItem,
    Newsletter,
    Organisation,
    Placement,
    RequestedDay,
    Role,
    TimelineItem,
    User,
)
from services import clock
from services.passwords import hash_password
from services.storage import Storage, default_storage

SEED = 2026


@dataclass(frozen=True)
class DemoLogin:
    organisation: str
    email: str
    password: str
    role: str
    name: str


@dataclass(frozen=True)
class DemoSummary:
    created: bool  # False when the demo data was already there
    logins: tuple[DemoLogin, ...]
    counts: dict[str, int] = field(default_factory=dict)


# The accounts worth trying, in the order the README names them.
_LOGINS = (
    (data.HOERA, "ouder@hoera.example", "parent", "Sanne de Vries (Noor en Finn)"),
    (data.HOERA, "thomas.devries@example.nl", "parent", "Thomas de Vries (Noor en Finn)"),
    (data.HOERA, "emily.vos@example.nl", "parent", "Emily Vos (Olivia), English"),
    (
        data.HOERA,
        "maarten.bos@example.nl",
        "parent",
        "Maarten Bos (Anna; Jesse left > 8 weeks ago)",
    ),
    (data.HOERA, "medewerker@hoera.example", "staff", "Marieke Kok (Boompjes)"),
    (data.HOERA, "planner@hoera.example", "planner", "Petra van Dijk"),
    (data.HOERA, "beheer@hoera.example", "admin", "Ruud Prins"),
    (data.ZONNESTRAAL, "ouder@zonnestraal.example", "parent", "Karin Schouten (Mats en Femke)"),
    (data.ZONNESTRAAL, "medewerker@zonnestraal.example", "staff", "Wendy Postma (Zonnekinderen)"),
)
DEMO_LOGINS = tuple(
    DemoLogin(slug, email, data.PASSWORD, role, name) for slug, email, role, name in _LOGINS
)


async def _hoera(s: Seeder) -> None:
    tenant = await people.create_organisation(
        s,
        slug=data.HOERA,
        name="Kinderopvang Hoera",
        city="Utrecht",
        locations=data.HOERA_LOCATIONS,
        groups=data.HOERA_GROUPS,
    )
    await people.create_staff(s, tenant, data.HOERA_STAFF)
    tenant.planner = await people.create_user(s, tenant, data.HOERA_PLANNER, Role.PLANNER, "")
    tenant.admin = await people.create_user(s, tenant, data.HOERA_ADMIN, Role.ADMIN, "")
    await people.create_families(s, tenant, data.HOERA_FAMILIES, data.HOERA_GROUPS)
    pool = picture_pool(tuple(data.PHOTO_CAPTIONS), SEED)
    absent = await planning.agenda(s, tenant)
    await content.photo_posts(s, tenant, pool, days_back=90, chance=0.3, absent=absent)
    await content.diaries(s, tenant, pool, absent)
    await content.conversations(s, tenant, absent)
    await publications.news(s, tenant)
    await publications.documents(s, tenant)
    await publications.notification_settings(tenant)


async def _zonnestraal(s: Seeder) -> None:
    tenant = await people.create_organisation(
        s,
        slug=data.ZONNESTRAAL,
        name="Kinderopvang Zonnestraal",
        city="Amersfoort",
        locations=data.ZONNESTRAAL_LOCATIONS,
        groups=data.ZONNESTRAAL_GROUPS,
    )
    await people.create_staff(s, tenant, data.ZONNESTRAAL_STAFF)
    await people.create_families(s, tenant, data.ZONNESTRAAL_FAMILIES, data.ZONNESTRAAL_GROUPS)
    pool = picture_pool(tuple(data.PHOTO_CAPTIONS), SEED)
    await content.photo_posts(s, tenant, pool, days_back=45, chance=0.4)


async def demo_counts() -> dict[str, int]:
    """How many rows of each kind the demo organisations hold."""
    org = {"organisation__slug__in": data.DEMO_SLUGS}
    models = {
        "organisations": (Organisation, {"slug__in": data.DEMO_SLUGS}),
        "locations": (Location, org),
        "groups": (Group, org),
        "users": (User, org),
        "children": (Child, org),
        "placements": (Placement, org),
        "timeline_items": (TimelineItem, org),
        "media_files": (MediaFile, org),
        "diary_entries": (DiaryEntry, org),
        "conversations": (Conversation, org),
        "messages": (Message, {"conversation__organisation__slug__in": data.DEMO_SLUGS}),
        "requested_days": (RequestedDay, org),
        "absences": (Absence, org),
        "credit_entries": (CreditLedgerEntry, org),
        "news_items": (NewsItem, org),
        "newsletters": (Newsletter, org),
        "documents": (Document, org),
    }
    return {name: await model.filter(**where).count() for name, (model, where) in models.items()}


async def seed(today: date | None = None, storage: Storage | None = None) -> DemoSummary:
    """Create the demo organisations unless one exists already. Deterministic per `today`."""
    if await Organisation.filter(slug__in=data.DEMO_SLUGS).exists():
        return DemoSummary(created=False, logins=DEMO_LOGINS, counts=await demo_counts())
    s = Seeder(
        rng=random.Random(SEED),
        today=today or clock.today(),
        storage=storage or default_storage(),
        password_hash=hash_password(data.PASSWORD),  # hashed once: argon2 is slow on purpose
    )
    try:
        with planning.sqlite_time_adapter():
            async with in_transaction():
                await _hoera(s)
                await _zonnestraal(s)
    except BaseException:
        for key in s.saved_keys:  # the rows are gone, so are their files
            await s.storage.delete(key)
        raise
    return DemoSummary(created=True, logins=DEMO_LOGINS, counts=await demo_counts())


async def reset_demo(storage: Storage | None = None) -> int:
    """Delete both demo organisations (everything cascades) and their files. Returns how many."""
    storage = storage or default_storage()
    keys = await MediaFile.filter(organisation__slug__in=data.DEMO_SLUGS).values_list(
        "storage_key", "thumbnail_key"
    )
    found = await Organisation.filter(slug__in=data.DEMO_SLUGS).count()
    await Organisation.filter(slug__in=data.DEMO_SLUGS).delete()
    for key in (k for pair in keys for k in pair if k):
        await storage.delete(key)
    return found


def format_logins(logins: tuple[DemoLogin, ...]) -> str:
    """The logins as a plain-text table."""
    header = ("organisation", "e-mail", "password", "role", "name")
    rows = [header] + [(x.organisation, x.email, x.password, x.role, x.name) for x in logins]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
