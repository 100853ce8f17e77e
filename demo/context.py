"""What every part of the seeder shares: the random generator, the dates, storage, and a tenant."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

from models import (
    Child,
    Group,
    Location,
    MediaFile,
    MediaKind,
    MediaStatus,
    Organisation,
    Placement,
    User,
)
from services.storage import Storage, new_key


def ascii_slug(value: str) -> str:
    """`van den Berg` -> `vandenberg`, `Yılmaz` -> `yilmaz` (for demo e-mail addresses)."""
    value = value.replace("ı", "i")
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


@dataclass
class Seeder:
    rng: random.Random
    today: date
    storage: Storage
    password_hash: str
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Amsterdam"))
    saved_keys: list[str] = field(default_factory=list)
    closed: set[date] = field(default_factory=set)

    def __post_init__(self) -> None:
        years = range(self.today.year - 2, self.today.year + 2)
        self.closed = set(holidays.country_holidays("NL", years=years))

    def at(self, day: date, hhmm: str) -> datetime:
        """A moment on a local day, timezone-aware."""
        return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=self.tz)

    def clock(self, earliest: str, latest: str, step: int = 5) -> str:
        """A random "HH:MM" between two times, on a `step`-minute grid."""
        lo, hi = (int(t[:2]) * 60 + int(t[3:]) for t in (earliest, latest))
        minutes = self.rng.randrange(lo, hi + 1, step)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.closed

    def working_days(self, start: date, end: date) -> list[date]:
        """Working days from `start` up to and including `end`."""
        days = (start + timedelta(days=n) for n in range((end - start).days + 1))
        return [d for d in days if self.is_working_day(d)]

    async def media(
        self,
        org: Organisation,
        kind: MediaKind,
        data: bytes,
        *,
        content_type: str,
        filename: str,
        uploaded_by: User | None = None,
        width: int | None = None,
        height: int | None = None,
        thumbnail: bytes | None = None,
        created_at: datetime | None = None,
    ) -> MediaFile:
        """Store the bytes (and a thumbnail) and create the READY MediaFile row."""
        ext = filename.rsplit(".", 1)[-1]
        key = new_key(org.id, kind.value, ext)
        await self.storage.save(key, data)
        self.saved_keys.append(key)
        thumbnail_key = None
        if thumbnail is not None:
            thumbnail_key = new_key(org.id, "thumbnail", "jpg")
            await self.storage.save(thumbnail_key, thumbnail)
            self.saved_keys.append(thumbnail_key)
        extra = {"created_at": created_at} if created_at else {}
        return await MediaFile.create(
            organisation=org,
            uploaded_by_id=uploaded_by.id if uploaded_by else None,
            kind=kind,
            status=MediaStatus.READY,
            content_type=content_type,
            filename=filename,
            size=len(data),
            width=width,
            height=height,
            storage_key=key,
            thumbnail_key=thumbnail_key,
            **extra,
        )


@dataclass
class Tenant:
    """One organisation as built so far, with lookups the later steps need."""

    org: Organisation
    locations: list[Location] = field(default_factory=list)
    groups: dict[str, Group] = field(default_factory=dict)
    # group key -> [(staff user, start, end)]
    assignments: dict[str, list[tuple[User, date, date | None]]] = field(default_factory=dict)
    children: dict[str, Child] = field(default_factory=dict)  # by first name
    placements: dict[int, list[Placement]] = field(default_factory=dict)  # by child id
    guardians: dict[int, list[User]] = field(default_factory=dict)  # by child id
    users: dict[str, User] = field(default_factory=dict)  # by e-mail
    planner: User | None = None
    admin: User | None = None

    def placement_on(self, child: Child, day: date) -> Placement | None:
        for placement in self.placements.get(child.id, []):
            if placement.start_date <= day and (
                placement.end_date is None or day <= placement.end_date
            ):
                return placement
        return None

    def current_placement(self, child: Child, today: date) -> Placement:
        """The placement running today, or else the most recent one."""
        found = self.placement_on(child, today)
        return found or max(self.placements[child.id], key=lambda p: p.start_date)

    def attends(self, child: Child, day: date) -> Placement | None:
        """The placement under which the child is expected on that day (flex: any weekday)."""
        placement = self.placement_on(child, day)
        if placement is None:
            return None
        if placement.schedule and day.weekday() not in {s["weekday"] for s in placement.schedule}:
            return None
        return placement

    def staff_on(self, group_key: str, day: date) -> list[User]:
        return [
            user
            for user, start, end in self.assignments.get(group_key, [])
            if start <= day and (end is None or day <= end)
        ]

    def group_key(self, group_id: int) -> str:
        return next(key for key, group in self.groups.items() if group.id == group_id)

    def children_in(self, group_key: str, day: date) -> list[Child]:
        group = self.groups[group_key]
        return [
            child
            for child in self.children.values()
            if (p := self.attends(child, day)) is not None and p.group_id == group.id
        ]
