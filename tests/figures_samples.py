"""Hand-built data for the organisation figures: requested days, absences, ledger entries,
conversations and news, with the moments the figures look at set explicitly."""

from __future__ import annotations

from datetime import UTC, date, datetime

from models import (
    Absence,
    Conversation,
    CreditLedgerEntry,
    DayKind,
    DayPart,
    DayRequest,
    DayStatus,
    LedgerKind,
    Message,
    NewsItem,
    NewsRead,
    RequestedDay,
)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


async def day_request(org, requested_at: datetime | None = None, **fields) -> DayRequest:
    request = await DayRequest.create(organisation=org, **fields)
    if requested_at is not None:
        await DayRequest.filter(id=request.id).update(created_at=requested_at)
    return request


async def requested_day(
    kid,
    grp,
    day: date,
    status: DayStatus = DayStatus.REQUESTED,
    start: str = "08:00",
    end: str = "12:00",
    request: DayRequest | None = None,
    kind: DayKind = DayKind.EXTRA,
) -> RequestedDay:
    request = request or await DayRequest.create(organisation_id=kid.organisation_id)
    return await RequestedDay.create(
        organisation_id=kid.organisation_id,
        request=request,
        child=kid,
        group=grp,
        kind=kind,
        date=day,
        start_time=start,
        end_time=end,
        status=status,
    )


async def absence(kid, grp, day: date, part: DayPart = DayPart.WHOLE_DAY) -> Absence:
    return await Absence.create(
        organisation_id=kid.organisation_id,
        child=kid,
        group=grp,
        date=day,
        day_part=part,
        reason="sick",
    )


async def entry(
    kid, ctype, kind: LedgerKind, minutes: int, booked: datetime, day: RequestedDay | None = None
) -> None:
    row = await CreditLedgerEntry.create(
        organisation_id=kid.organisation_id,
        child=kid,
        credit_type=ctype,
        kind=kind,
        minutes=minutes,
        lot_year=booked.year,
        requested_day=day,
    )
    await CreditLedgerEntry.filter(id=row.id).update(created_at=booked)


async def conversation(kid, grp, *messages: tuple[object, datetime]) -> Conversation:
    """A conversation about `kid` with `grp`: (author, sent_at) per message, in order."""
    talk = await Conversation.create(
        organisation_id=kid.organisation_id,
        child=kid,
        group=grp,
        started_by=messages[0][0],
        last_message_at=messages[-1][1],
    )
    for author, sent_at in messages:
        await Message.create(conversation=talk, author=author, body="…", sent_at=sent_at)
    return talk


async def news_item(
    org, title: str, published_at: datetime | None, location=None, withdrawn: bool = False
) -> NewsItem:
    return await NewsItem.create(
        organisation=org,
        location=location,
        title=title,
        body="Tekst",
        published_at=published_at,
        withdrawn_at=published_at if withdrawn else None,
    )


async def read(item: NewsItem, *users) -> None:
    for u in users:
        await NewsRead.create(news_item=item, user=u)
