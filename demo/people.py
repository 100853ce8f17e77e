"""Organisations, locations, groups, staff, children, parents and placements."""

from __future__ import annotations

from datetime import date, timedelta

from demo import data
from demo.context import Seeder, Tenant, ascii_slug
from demo.data import ChildSpec, FamilySpec, PersonSpec
from demo.images import avatar
from models import (
    CareType,
    Child,
    Group,
    Guardianship,
    Location,
    MediaKind,
    Organisation,
    Placement,
    Role,
    StaffAssignment,
    User,
)

KDV_TIMES = (("07:30", "18:00"), ("08:00", "17:30"), ("08:30", "17:00"), ("07:45", "18:15"))
BSO_TIMES = {
    0: ("14:00", "18:30"),
    1: ("14:00", "18:30"),
    2: ("12:15", "18:30"),
    3: ("14:00", "18:30"),
    4: ("14:00", "18:00"),
}


def _months_ago(today: date, months: float) -> date:
    return today - timedelta(days=round(months * 30.44))


def _birthday(birth: date, years: int) -> date:
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:  # 29 February
        return date(birth.year + years, 3, 1)


def _first_of_next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


async def create_user(
    s: Seeder, tenant: Tenant, person: PersonSpec, role: Role, domain: str
) -> User:
    email = person.email or f"{ascii_slug(person.first)}.{ascii_slug(person.last)}@{domain}"
    phone = f"06-{s.rng.randint(10_000_000, 99_999_999)}" if role == Role.PARENT else ""
    user = await User.create(
        organisation=tenant.org,
        email=email.lower(),
        first_name=person.first,
        last_name=person.last,
        role=role,
        password_hash=s.password_hash,
        locale=person.locale,
        phone=phone,
    )
    tenant.users[user.email] = user
    return user


async def create_organisation(
    s: Seeder,
    *,
    slug: str,
    name: str,
    city: str,
    locations: tuple[tuple[str, str, str, str, str], ...],
    groups: dict[str, tuple],
) -> Tenant:
    org = await Organisation.create(
        slug=slug,
        name=name,
        timezone="Europe/Amsterdam",
        request_min_lead_hours=48,
        request_max_lead_days=60,
        cancellation_deadline_hours=24,
    )
    tenant = Tenant(org=org)
    for loc_name, street, postal_code, phone, mailbox in locations:
        location = await Location.create(
            organisation=org,
            name=loc_name,
            street=street,
            postal_code=postal_code,
            city=city,
            phone=phone,
            email=f"{mailbox}@{slug}.example",
            opening_hours=data.OPENING_HOURS,
        )
        tenant.locations.append(location)
    for key, (group_name, loc_index, care_type, capacity, keeps_diary, _ages) in groups.items():
        tenant.groups[key] = await Group.create(
            organisation=org,
            location=tenant.locations[loc_index],
            name=group_name,
            care_type=care_type,
            capacity=capacity,
            keeps_diary=keeps_diary,
        )
    return tenant


async def create_staff(
    s: Seeder, tenant: Tenant, staff: tuple[tuple[PersonSpec, tuple, tuple], ...]
) -> None:
    domain = f"{tenant.org.slug}.example"
    for index, (person, groups, former) in enumerate(staff):
        user = await create_user(s, tenant, person, Role.STAFF, domain)
        picture = avatar(person.first[0] + person.last.split()[-1][0].upper(), index)
        user.photo = await s.media(
            tenant.org,
            MediaKind.PHOTO,
            picture.jpeg,
            content_type="image/jpeg",
            filename=f"{ascii_slug(person.first)}.jpg",
            uploaded_by=user,
            width=picture.width,
            height=picture.height,
            thumbnail=picture.thumbnail,
        )
        await user.save(update_fields=["photo_id"])
        start = s.today - timedelta(days=s.rng.randint(300, 2200))
        for key in former:  # worked there until two months ago
            end = s.today - timedelta(days=60)
            await StaffAssignment.create(
                user=user, group=tenant.groups[key], start_date=start, end_date=end
            )
            tenant.assignments.setdefault(key, []).append((user, start, end))
            start = end + timedelta(days=1)
        for key in groups:
            await StaffAssignment.create(user=user, group=tenant.groups[key], start_date=start)
            tenant.assignments.setdefault(key, []).append((user, start, None))


def _schedule(s: Seeder, care: CareType) -> list[dict]:
    if care in (CareType.FLEX_KDV, CareType.FLEX_BSO):
        return []  # flexible care: every day is requested
    days = sorted(s.rng.sample(range(5), s.rng.randint(2, 4)))
    if care == CareType.BSO:
        return [{"weekday": d, "start": BSO_TIMES[d][0], "end": BSO_TIMES[d][1]} for d in days]
    start, end = s.rng.choice(KDV_TIMES)
    return [{"weekday": d, "start": start, "end": end} for d in days]


def _placement_periods(
    s: Seeder, spec: ChildSpec, birth: date, groups: dict[str, tuple]
) -> list[tuple[str, date, date | None]]:
    """(group key, start, end) of the child's placements, oldest first."""
    today = s.today
    if spec.story == "moved":  # from the baby group to the toddlers, six weeks ago
        moved = today - timedelta(days=45)
        return [
            ("baby", birth + timedelta(days=100), moved - timedelta(days=1)),
            (spec.group, moved, None),
        ]
    youngest = groups[spec.group][5][0]  # months
    minimum = 4 * 365 + 1 if spec.group == "bso" else 365 if youngest >= 12 else 95
    back = s.rng.randint(20, 200) if youngest < 12 else s.rng.randint(150, 1100)
    start = max(birth + timedelta(days=minimum), today - timedelta(days=back))
    if (snapped := _first_of_next_month(start)) <= today - timedelta(days=14):
        start = snapped
    start = min(start, today - timedelta(days=14))
    end = None
    if spec.story == "ended":  # left more than 8 weeks ago: the parent's access has ended
        start, end = today - timedelta(days=s.rng.randint(500, 900)), today - timedelta(days=70)
    elif spec.story == "leaving":
        end = today + timedelta(days=35)
    elif spec.story == "turning4":
        end = _birthday(birth, 4) - timedelta(days=1)  # care in a KDV ends at 4
    return [(spec.group, start, end)]


async def create_families(
    s: Seeder, tenant: Tenant, families: tuple[FamilySpec, ...], groups: dict[str, tuple]
) -> None:
    for family in families:
        parents = [
            await create_user(s, tenant, p, Role.PARENT, "example.nl") for p in family.parents
        ]
        for spec in family.children:
            low, high = groups[spec.group][5]
            months = spec.age_months if spec.age_months is not None else s.rng.randint(low, high)
            birth = _months_ago(s.today, months) - timedelta(days=s.rng.randint(0, 25))
            child = await Child.create(
                organisation=tenant.org,
                first_name=spec.first,
                last_name=family.last,
                birth_date=birth,
            )
            tenant.children[spec.first] = child
            tenant.guardians[child.id] = parents
            for parent in parents:
                await Guardianship.create(child=child, user=parent)
            schedule = _schedule(s, spec.care)
            for key, start, end in _placement_periods(s, spec, birth, groups):
                group: Group = tenant.groups[key]
                staff = tenant.staff_on(key, min(end, s.today) if end else s.today)
                care = spec.care if key == spec.group else group.care_type
                placement = await Placement.create(
                    organisation=tenant.org,
                    child=child,
                    group=group,
                    care_type=care,
                    schedule=schedule if care == spec.care else _schedule(s, care),
                    start_date=start,
                    end_date=end,
                    mentor=s.rng.choice(staff) if staff else None,
                )
                tenant.placements.setdefault(child.id, []).append(placement)
