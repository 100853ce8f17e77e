"""Small builders for test data: a tenant with a location, groups, people and placements."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta

from models import (
    CareType,
    Child,
    Group,
    Guardianship,
    Location,
    Organisation,
    Placement,
    Role,
    StaffAssignment,
    User,
)
from services import auth, clock, passwords

PASSWORD = "correct-horse-battery"
_HASH = passwords.hash_password(PASSWORD)
_seq = itertools.count(1)


async def organisation(slug: str = "hoera", **fields) -> Organisation:
    return await Organisation.create(slug=slug, name=f"Kinderopvang {slug.title()}", **fields)


async def location(org: Organisation, name: str = "De Boomgaard") -> Location:
    return await Location.create(
        organisation=org,
        name=name,
        street="Appelstraat 1",
        postal_code="3512 AB",
        city="Utrecht",
        phone="030-1234567",
        email="boomgaard@example.nl",
        opening_hours={d: ["07:00", "18:30"] for d in ("mon", "tue", "wed", "thu", "fri")},
    )


async def group(
    org: Organisation,
    loc: Location,
    name: str = "Boompjes",
    care_type: CareType = CareType.KDV,
    capacity: int = 12,
    keeps_diary: bool = False,
) -> Group:
    return await Group.create(
        organisation=org,
        location=loc,
        name=name,
        care_type=care_type,
        capacity=capacity,
        keeps_diary=keeps_diary,
    )


async def user(
    org: Organisation, role: Role = Role.PARENT, email: str | None = None, **fields
) -> User:
    n = next(_seq)
    return await User.create(
        organisation=org,
        email=email or f"{role.value}{n}@example.nl",
        first_name=fields.pop("first_name", f"{role.value.title()}{n}"),
        last_name=fields.pop("last_name", "Jansen"),
        role=role,
        password_hash=_HASH,
        **fields,
    )


async def child(
    org: Organisation,
    *,
    guardians: list[User] = (),
    grp: Group | None = None,
    start: date | None = None,
    end: date | None = None,
    first_name: str | None = None,
) -> Child:
    n = next(_seq)
    kid = await Child.create(
        organisation=org,
        first_name=first_name or f"Kind{n}",
        last_name="Jansen",
        birth_date=date(2024, 3, 1),
    )
    for guardian in guardians:
        await Guardianship.create(child=kid, user=guardian)
    if grp is not None:
        await placement(kid, grp, start=start, end=end)
    return kid


async def placement(
    kid: Child,
    grp: Group,
    *,
    start: date | None = None,
    end: date | None = None,
    mentor: User | None = None,
) -> Placement:
    return await Placement.create(
        organisation_id=kid.organisation_id,
        child=kid,
        group=grp,
        care_type=grp.care_type,
        schedule=[{"weekday": d, "start": "07:30", "end": "18:00"} for d in (0, 1, 3)],
        start_date=start or clock.today() - timedelta(days=200),
        end_date=end,
        mentor=mentor,
    )


async def assign(
    staff: User, grp: Group, *, start: date | None = None, end: date | None = None
) -> None:
    await StaffAssignment.create(
        user=staff, group=grp, start_date=start or clock.today() - timedelta(days=365), end_date=end
    )


async def token_for(u: User, organisation_slug: str | None = None) -> str:
    org = await Organisation.get(id=u.organisation_id)
    granted = await auth.login(
        organisation_slug=organisation_slug or org.slug,
        email=u.email,
        password=PASSWORD,
        client_address="198.51.100.1",
    )
    return granted.token


@dataclass
class Tenant:
    """One organisation with a diary group and a BSO group, staff, a planner and families."""

    org: Organisation
    location: Location
    babies: Group
    bso: Group
    parent: User
    other_parent: User
    staff: User
    bso_staff: User
    planner: User
    child: Child
    sibling: Child
    other_child: Child
    bso_child: Child


async def tenant(slug: str = "hoera") -> Tenant:
    org = await organisation(slug)
    loc = await location(org)
    babies = await group(org, loc, "Boompjes", CareType.KDV, keeps_diary=True)
    bso = await group(org, loc, "BSO Klavertje", CareType.BSO, capacity=20)
    parent = await user(org, Role.PARENT, email=f"ouder@{slug}.example")
    other_parent = await user(org, Role.PARENT)
    staff = await user(org, Role.STAFF, email=f"medewerker@{slug}.example")
    bso_staff = await user(org, Role.STAFF)
    planner = await user(org, Role.PLANNER, email=f"planner@{slug}.example")
    await assign(staff, babies)
    await assign(bso_staff, bso)
    kid = await child(org, guardians=[parent], grp=babies, first_name="Sam")
    sibling = await child(org, guardians=[parent], grp=bso, first_name="Noor")
    other = await child(org, guardians=[other_parent], grp=babies, first_name="Daan")
    bso_kid = await child(org, guardians=[other_parent], grp=bso, first_name="Lotte")
    return Tenant(
        org,
        loc,
        babies,
        bso,
        parent,
        other_parent,
        staff,
        bso_staff,
        planner,
        kid,
        sibling,
        other,
        bso_kid,
    )
