"""The private iCalendar feed of a parent: their children's agenda, for a phone calendar.

The URL carries a random token; only its SHA-256 is stored (`CalendarFeed.token_hash`).
Creating a feed revokes the parent's previous one; revoking ends every feed of the parent.
Who may see which child is decided again on every fetch (`services.access`), so a revoked
feed, a deactivated account or an ended access window shows nothing more.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from models import CalendarFeed, Child, DayStatus, Group, Organisation, User
from services import access, clock
from services.agenda import status_of
from services.calendar import local_moment
from services.errors import AccessDenied
from services.expiry import expire_due
from services.planning import CareSlot, Planning
from services.principal import Principal

DAYS_BACK = 14
DAYS_AHEAD = 120
SHOWN = {
    DayStatus.PLANNED: ("CONFIRMED", "gepland"),
    DayStatus.APPROVED: ("CONFIRMED", "goedgekeurd"),
    DayStatus.REQUESTED: ("TENTATIVE", "aangevraagd"),
    DayStatus.ABSENT: ("CANCELLED", "afwezig"),
}
KIND_NL = {"contract": "contractdag", "extra": "extra dag", "flexible": "flexibele dag"}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_feed(principal: Principal) -> str:
    """A new private feed token for a parent (the previous feed stops working)."""
    if not principal.is_parent:
        raise AccessDenied("FORBIDDEN")
    await revoke_feeds(principal)
    token = secrets.token_urlsafe(32)
    await CalendarFeed.create(user_id=principal.user_id, token_hash=token_hash(token))
    return token


async def revoke_feeds(principal: Principal) -> int:
    """Revoke every active feed of the user; how many were active."""
    return await CalendarFeed.filter(user_id=principal.user_id, revoked_at__isnull=True).update(
        revoked_at=clock.now()
    )


async def feed(token: str) -> str | None:
    """The iCalendar text for a feed token, or None when it is unknown or revoked."""
    row = await CalendarFeed.get_or_none(token_hash=token_hash(token), revoked_at__isnull=True)
    user = await User.get_or_none(id=row.user_id, is_active=True) if row else None  # type: ignore[attr-defined]
    if user is None:
        return None
    principal = Principal(user.id, user.organisation_id, user.role, session_id=0)  # type: ignore[attr-defined]
    organisation = await Organisation.get(id=user.organisation_id)  # type: ignore[attr-defined]
    child_ids = await access.visible_child_ids(principal)
    today = clock.today(organisation.timezone)
    start, end = today - timedelta(days=DAYS_BACK), today + timedelta(days=DAYS_AHEAD)
    await expire_due(child_ids=child_ids)
    planning = await Planning.load(organisation.id, child_ids, start, end)
    children = {c.id: c for c in await Child.filter(id__in=child_ids)}
    groups = {g.id: g.name for g in await Group.filter(organisation_id=organisation.id)}
    events = [
        _event(slot, children[c].first_name, groups.get(slot.group_id, ""), organisation)
        for c in child_ids
        for slot in planning.slots(c)
        if status_of(slot) in SHOWN
    ]
    return _calendar(organisation.name, events)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 3.1)."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def _event(slot: CareSlot, child_name: str, group: str, organisation: Organisation) -> list[str]:
    status = status_of(slot)
    ical_status, status_nl = SHOWN[status]
    if slot.requested_day is not None:
        uid = f"requested-day-{slot.requested_day.id}@ouderlink"
    else:
        uid = f"contract-{slot.placement_id}-{slot.date:%Y%m%d}-{slot.start:%H%M}@ouderlink"
    kind = KIND_NL[str(slot.kind)]
    return [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{_utc(clock.now())}",
        f"DTSTART:{_utc(local_moment(slot.date, slot.start, organisation.timezone))}",
        f"DTEND:{_utc(local_moment(slot.date, slot.end, organisation.timezone))}",
        f"SUMMARY:{_escape(f'{child_name}: opvang ({kind}, {status_nl})')}",
        f"DESCRIPTION:{_escape(f'Groep {group}. Status: {status_nl}.')}",
        f"STATUS:{ical_status}",
        "END:VEVENT",
    ]


def _calendar(name: str, events: list[list[str]]) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Ouderlink//Agenda//NL",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(f'Opvang {name}')}",
        "X-WR-TIMEZONE:Europe/Amsterdam",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
    ]
    for event in events:
        lines.extend(event)
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
