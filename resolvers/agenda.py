"""A child's agenda, available times, absence planning and credits; requested days as nodes."""

from __future__ import annotations

from datetime import date

from resolvers.node import node_fetcher
from schema.context import Info
from schema.errors import bad_input, not_found
from schema.types.agenda import (
    AbsencePlanningDay,
    AgendaSlot,
    DayRequest,
    RequestedDay,
)
from schema.types.credits import Credit
from schema.types.day_requests import AvailableTimes, FlexibleTimes, TimeBlock, TimeRange
from schema.types.refusal import Refused
from services import absences, agenda, credits


def range_error():
    return bad_input(
        "INVALID_RANGE",
        f"`from` moet voor `to` liggen, hooguit {agenda.MAX_RANGE_DAYS} dagen.",
        f"`from` must come before `to`, at most {agenda.MAX_RANGE_DAYS} days.",
    )


async def _visible(info: Info, child_pk: int) -> bool:
    return child_pk in await info.context.loaders.visible_child_ids()


async def child_agenda(info: Info, child_pk: int, start: date, end: date) -> list[AgendaSlot]:
    try:
        agenda.check_range(start, end)
    except ValueError:
        raise range_error() from None
    if not await _visible(info, child_pk):
        return []
    slots = await info.context.loaders.agenda.slots_by_child_range.load((child_pk, start, end))
    return [AgendaSlot.from_slot(s) for s in slots]


async def child_available_times(info: Info, child_pk: int, day: date) -> AvailableTimes:
    if not await _visible(info, child_pk):
        raise not_found()
    loaders = info.context.loaders
    locale = info.context.locale
    options = await loaders.agenda.options_by_child_date.load((child_pk, day))
    group = await loaders.group_by_id.load(options.group_id) if options.group_id else None
    window = options.flexible
    return AvailableTimes(
        group_row=group,
        date=day,
        possible=options.refusal is None,
        reason=Refused.of(options.refusal, locale) if options.refusal else None,
        care_type=options.placement.care_type if options.placement else None,
        kind=options.kind,
        blocks=[
            TimeBlock(
                code=b.code,
                name=b.name_en if locale.startswith("en") else b.name_nl,
                name_nl=b.name_nl,
                name_en=b.name_en,
                start=b.start,
                end=b.end,
            )
            for b in options.blocks
        ],
        flexible=FlexibleTimes(
            opens=window.opens,
            closes=window.closes,
            step_minutes=window.step_minutes,
            minimum_minutes=window.minimum_minutes,
            free=[TimeRange(start=a, end=b) for a, b in window.free],
        )
        if window
        else None,
    )


async def child_absence_planning(
    info: Info, child_pk: int, start: date, end: date
) -> list[AbsencePlanningDay]:
    try:
        agenda.check_range(start, end)
    except ValueError:
        raise range_error() from None
    if not await _visible(info, child_pk):
        return []
    principal = info.context.principal
    assert principal is not None
    days = await absences.planning_days(principal.organisation_id, child_pk, start, end)
    return [
        AbsencePlanningDay(
            date=d.date,
            slots=[AgendaSlot.from_slot(s) for s in d.slots],
            parts=d.parts,
            absent_parts=d.absent_parts,
        )
        for d in days
    ]


async def child_credits(info: Info, child_pk: int) -> list[Credit]:
    principal = info.context.principal
    if principal is None or not credits.may_see_credits(principal):
        return []
    if not await _visible(info, child_pk):
        return []
    balances = await info.context.loaders.agenda.credits_by_child.load(child_pk)
    return [Credit.from_balance(b) for b in balances]


@node_fetcher("RequestedDay")
async def requested_day_node(info: Info, pk: int) -> RequestedDay | None:
    """Only a day of a child the viewer may see, in the viewer's organisation."""
    loaders = info.context.loaders
    day = await loaders.agenda.requested_day_by_id.load(pk)
    if day is None or day.organisation_id != info.context.principal.organisation_id:  # type: ignore[union-attr,attr-defined]
        return None
    if not await _visible(info, day.child_id):  # type: ignore[attr-defined]
        return None
    return RequestedDay.from_model(day)


@node_fetcher("DayRequest")
async def day_request_node(info: Info, pk: int) -> DayRequest | None:
    """A request with at least one day of a child the viewer may see."""
    loaders = info.context.loaders
    request = await loaders.agenda.day_request_by_id.load(pk)
    if request is None or request.organisation_id != info.context.principal.organisation_id:  # type: ignore[union-attr,attr-defined]
        return None
    visible = set(await loaders.visible_child_ids())
    days = await loaders.agenda.days_by_request.load(pk)
    if not any(d.child_id in visible for d in days):  # type: ignore[attr-defined]
        return None
    return DayRequest.from_model(request)
