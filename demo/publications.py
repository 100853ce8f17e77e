"""What the organisation publishes: news, newsletters, documents; and notification settings."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date, timedelta

import holidays

from demo import data
from demo.context import Seeder, Tenant
from demo.pdf import simple_pdf
from models import (
    CareType,
    Child,
    Document,
    DocumentKind,
    MediaKind,
    NewsAttachment,
    NewsItem,
    Newsletter,
    NewsRead,
    NotificationItem,
    NotificationSetting,
    Placement,
    User,
)

PAYERS = (
    "ouder@hoera.example",
    "lotte.jansen@example.nl",
    "emily.vos@example.nl",
    "maarten.bos@example.nl",
)
HOURLY_CENTS = {
    CareType.KDV: 1045,
    CareType.FLEX_KDV: 1095,
    CareType.BSO: 960,
    CareType.FLEX_BSO: 1010,
}


def euro(cents: int) -> str:
    """1234567 -> '€ 12.345,67' (Dutch notation)."""
    whole = f"{cents // 100:,}".replace(",", ".")
    return f"€ {whole},{cents % 100:02d}"


def long_date(day: date) -> str:
    return f"{day.day} {data.MONTHS_NL[day.month - 1]} {day.year}"


async def news(s: Seeder, tenant: Tenant) -> None:
    today, author = s.today, tenant.admin
    items = []
    for days_ago, location, title, body, attach in data.NEWS:
        published = s.at(today - timedelta(days=days_ago), s.clock("09:00", "11:30"))
        item = await NewsItem.create(
            organisation=tenant.org,
            location=tenant.locations[location] if location is not None else None,
            author=author if location is None else tenant.planner,
            title=title,
            body=body,
            published_at=published,
            created_at=published,
        )
        items.append(item)
        if attach:
            year = today.year + 1
            closed = holidays.country_holidays("NL", years=year, language="nl")
            lines = [f"{long_date(day)}: {name}" for day, name in sorted(closed.items())]
            pdf = simple_pdf(f"Sluitingsdagen {year}", lines, heading=tenant.org.name)
            media = await s.media(
                tenant.org,
                MediaKind.DOCUMENT,
                pdf,
                content_type="application/pdf",
                filename=f"sluitingsdagen-{year}.pdf",
                uploaded_by=author,
                created_at=published,
            )
            await NewsAttachment.create(news_item=item, media=media)
    title, body = data.NEWS_DRAFT  # not published yet: only planners and admins see it
    await NewsItem.create(organisation=tenant.org, author=author, title=title, body=body)
    sanne = tenant.users["ouder@hoera.example"]
    for item in items[1:4]:
        await NewsRead.create(news_item=item, user=sanne)
    for days_ago, location, title, html in data.NEWSLETTERS:
        published = s.at(today - timedelta(days=days_ago), "08:30")
        await Newsletter.create(
            organisation=tenant.org,
            location=tenant.locations[location] if location is not None else None,
            author=author,
            title=title,
            html=html,
            published_at=published,
            created_at=published,
        )


def _monthly_cents(placement: Placement) -> int:
    rate = HOURLY_CENTS[placement.care_type]
    if not placement.schedule:
        return 20 * rate  # flexible care: the hours bought are invoiced separately
    minutes = sum(
        (int(d["end"][:2]) * 60 + int(d["end"][3:]))
        - (int(d["start"][:2]) * 60 + int(d["start"][3:]))
        for d in placement.schedule
    )
    return round(minutes / 60 * 52 / 12 * rate)


async def _document(
    s: Seeder,
    tenant: Tenant,
    owner: User,
    kind: DocumentKind,
    title: str,
    lines: list[str],
    filename: str,
    issued: date,
    **fields: object,
) -> None:
    """A document for one parent, with its generated PDF."""
    pdf = simple_pdf(title, lines, heading=f"{tenant.org.name} · {tenant.locations[0].city}")
    at = s.at(issued, "06:00")
    media = await s.media(
        tenant.org,
        MediaKind.DOCUMENT,
        pdf,
        content_type="application/pdf",
        filename=filename,
        uploaded_by=tenant.admin,
        created_at=at,
    )
    await Document.create(
        organisation=tenant.org,
        owner=owner,
        kind=kind,
        title=title,
        media=media,
        created_at=at,
        **fields,
    )


def _month_lines(tenant: Tenant, children: list[Child], start: date) -> tuple[list[str], int]:
    """Invoice lines for the children's placements in the month starting on `start`."""
    lines, total = [], 0
    end = _month_end(start)
    for child in children:
        placement = tenant.placement_on(child, start) or tenant.placement_on(child, end)
        if placement is None:
            continue
        amount = _monthly_cents(placement)
        total += amount
        group = tenant.groups[tenant.group_key(placement.group_id)]
        care = placement.care_type.value.upper().replace("_", " ")
        lines.append(
            f"{child.first_name} {child.last_name} – {group.name} ({care}): {euro(amount)}"
        )
    return lines, total


def _month_end(start: date) -> date:
    return (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)


async def _invoices(
    s: Seeder, tenant: Tenant, owner: User, children: list[Child], numbers: Iterator[int]
) -> None:
    """Prepaid monthly invoices, issued on the 25th of the month before; the newest is open."""
    month = (s.today.replace(day=1) + timedelta(days=32)).replace(day=1)
    periods: list[tuple[date, date]] = []
    while len(periods) < 3:
        issued = (month - timedelta(days=1)).replace(day=25)
        if issued <= s.today:
            periods.insert(0, (month, issued))
        month = (month - timedelta(days=1)).replace(day=1)
    for index, (start, issued) in enumerate(periods):
        lines, total = _month_lines(tenant, children, start)
        if not total:
            continue
        status = "open" if index == len(periods) - 1 else "paid"
        number = f"F{issued.year}-{next(numbers):05d}"
        head = [
            f"Factuurnummer: {number}",
            f"Aan: {owner.first_name} {owner.last_name}",
            f"Factuurdatum: {long_date(issued)}",
            f"Periode: {long_date(start)} t/m {long_date(_month_end(start))}",
            "",
        ]
        tail = [
            "",
            f"Totaal: {euro(total)}",
            "Status: " + ("openstaand" if status == "open" else "betaald"),
            "Het bedrag wordt rond de 1e van de maand automatisch afgeschreven.",
        ]
        await _document(
            s,
            tenant,
            owner,
            DocumentKind.INVOICE,
            f"Factuur {data.MONTHS_NL[start.month - 1]} {start.year}",
            head + lines + tail,
            f"factuur-{number}.pdf",
            issued,
            number=number,
            period_start=start,
            period_end=_month_end(start),
            amount_cents=total,
            status=status,
        )


async def _contract(s: Seeder, tenant: Tenant, owner: User, child: Child) -> None:
    placement = tenant.current_placement(child, s.today)
    group = tenant.groups[tenant.group_key(placement.group_id)]
    signed = min(placement.start_date - timedelta(days=30), s.today - timedelta(days=1))
    days = ", ".join(data.WEEKDAYS[d["weekday"]] for d in placement.schedule) or "flexibel"
    lines = [
        f"Kind: {child.first_name} {child.last_name}, geboren {long_date(child.birth_date)}",
        f"Groep: {group.name}",
        f"Opvangsoort: {placement.care_type.value.upper().replace('_', ' ')}",
        f"Ingangsdatum: {long_date(placement.start_date)}",
        f"Dagen: {days}",
        "",
        f"Digitaal ondertekend door {owner.first_name} {owner.last_name} op {long_date(signed)}.",
    ]
    await _document(
        s,
        tenant,
        owner,
        DocumentKind.CONTRACT,
        f"Plaatsingsovereenkomst {child.first_name} – {group.name}",
        lines,
        f"plaatsingsovereenkomst-{child.first_name.lower()}.pdf",
        signed,
        signed_on=signed,
    )


async def _annual_statement(s: Seeder, tenant: Tenant, owner: User, children: list[Child]) -> None:
    year = s.today.year - 1
    cents = sum(_month_lines(tenant, children, date(year, m, 1))[1] for m in range(1, 13))
    if not cents:
        return
    lines = [
        f"Aan: {owner.first_name} {owner.last_name}",
        f"Totaal betaald in {year}: {euro(cents)}",
        "",
        "Bewaar deze jaaropgave voor de definitieve berekening van uw kinderopvangtoeslag.",
    ]
    issued = min(date(s.today.year, 1, 20), s.today)
    await _document(
        s,
        tenant,
        owner,
        DocumentKind.ANNUAL_STATEMENT,
        f"Jaaropgave {year}",
        lines,
        f"jaaropgave-{year}.pdf",
        issued,
        year=year,
        amount_cents=cents,
    )


async def documents(s: Seeder, tenant: Tenant) -> None:
    """Invoices, signed contracts and last year's statement for the paying parents."""
    numbers = itertools.count(123)
    for email in PAYERS:
        owner = tenant.users[email]
        children = [c for c in tenant.children.values() if owner in tenant.guardians[c.id]]
        await _invoices(s, tenant, owner, children, numbers)
        for child in children:
            await _contract(s, tenant, owner, child)
        await _annual_statement(s, tenant, owner, children)


async def notification_settings(tenant: Tenant) -> None:
    """Explicit choices of a few users (absent rows mean the defaults)."""
    choices = {
        "ouder@hoera.example": {
            "message": (True, True),
            "diary": (True, False),
            "photo": (True, False),
            "news": (False, True),
            "newsletter": (False, True),
            "request_decision": (True, True),
            "document": (True, True),
        },
        "thomas.devries@example.nl": {"photo": (False, False), "news": (False, False)},
        "emily.vos@example.nl": {item.value: (True, True) for item in NotificationItem},
        "medewerker@hoera.example": {"message": (True, False), "diary": (False, False)},
    }
    rows = [
        NotificationSetting(
            user=tenant.users[email], item=NotificationItem(item), push=push, email=mail
        )
        for email, items in choices.items()
        for item, (push, mail) in items.items()
    ]
    await NotificationSetting.bulk_create(rows)
