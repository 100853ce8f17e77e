"""requestDays, reviewDayRequest, cancelRequestedDay and the planners' pending list."""

from __future__ import annotations

from datetime import date

import strawberry

from resolvers.outcomes import principal_of
from schema.context import Info
from schema.errors import bad_input, forbidden, not_found
from schema.ids import from_global_id, pk_of, to_global_id
from schema.relay import Connection, connection, paginate_keys
from schema.types.agenda import DayRequest, RequestedDay, parse_contract_day_id
from schema.types.credits import Credit
from schema.types.day_requests import (
    CancelRequestedDayResult,
    DayNotPossible,
    DayRequestReviewed,
    DaysRefused,
    DaysRequested,
    DecisionReason,
    RequestDaysInput,
    RequestDaysResult,
    RequestedDayCancelled,
    RequestedDayOutcome,
    ReviewDayRequestInput,
    ReviewDayRequestResult,
    ReviewDecision,
)
from schema.types.refusal import Refused
from services import cancellation, day_requests, day_reviews
from services.day_requests import DaySpec
from services.day_requests import DaysRefused as DaysRefusedError
from services.errors import AccessDenied, RefusedError
from subscriptions import hub


def _denied(denied: AccessDenied):
    return not_found() if denied.code == "NOT_FOUND" else forbidden()


def days_refused(refused: DaysRefusedError, locale: str) -> DaysRefused:
    return DaysRefused(
        code=refused.refusal.code,
        message=refused.refusal.message(locale),
        message_nl=refused.refusal.message_nl,
        message_en=refused.refusal.message_en,
        days=[
            DayNotPossible(
                index=d.index,
                child_id=strawberry.ID(to_global_id("Child", d.child_id)),
                date=d.date,
                requested_day_id=strawberry.ID(to_global_id("RequestedDay", d.day_id))
                if d.day_id
                else None,
                code=d.refusal.code,
                message=d.refusal.message(locale),
                message_nl=d.refusal.message_nl,
                message_en=d.refusal.message_en,
            )
            for d in refused.days
        ],
    )


def _specs(input: RequestDaysInput) -> list[DaySpec]:
    if not 1 <= len(input.days) <= day_requests.MAX_DAYS:
        raise bad_input(
            "INVALID_DAY_COUNT",
            f"Vraag 1 tot {day_requests.MAX_DAYS} dagen tegelijk aan.",
            f"Request 1 to {day_requests.MAX_DAYS} days at a time.",
        )
    if len(input.remark) > day_requests.MAX_REMARK:
        raise bad_input("REMARK_TOO_LONG", "De opmerking is te lang.", "The remark is too long.")
    if input.expires_at is not None and input.expires_at.tzinfo is None:
        raise bad_input(
            "TIMEZONE_REQUIRED",
            "Geef het vervalmoment met tijdzone.",
            "Give the expiry moment with an offset.",
        )
    specs = []
    for day in input.days:
        paid_by_credit = day.payment.credit_type_id is not None
        if paid_by_credit == day.payment.charge_on_invoice:
            raise bad_input(
                "INVALID_PAYMENT",
                "Kies per dag een tegoed of 'op factuur'.",
                "Choose a credit or 'charge on invoice' for each day.",
            )
        credit_type = pk_of(day.payment.credit_type_id, "CreditType") if paid_by_credit else None
        specs.append(
            DaySpec(pk_of(day.child_id, "Child"), day.date, day.start, day.end, credit_type)
        )
    return specs


async def request_days(info: Info, input: RequestDaysInput) -> RequestDaysResult:
    principal = principal_of(info)
    locale = info.context.locale
    specs = _specs(input)
    try:
        outcome = await day_requests.request_days(
            principal, specs, input.expires_at, input.remark.strip()
        )
    except DaysRefusedError as refused:
        return days_refused(refused, locale)
    except RefusedError as refused:
        return Refused.of(refused.refusal, locale)
    except AccessDenied as denied:
        raise _denied(denied) from None
    return DaysRequested(
        request=DayRequest.from_model(outcome.request),
        days=[
            RequestedDayOutcome(
                day=RequestedDay.from_model(d.day),
                auto_approved=d.auto_approved,
                reason=DecisionReason.of(d.reason, locale),
            )
            for d in outcome.days
        ],
    )


async def review_day_request(info: Info, input: ReviewDayRequestInput) -> ReviewDayRequestResult:
    principal = principal_of(info)
    locale = info.context.locale
    if len(input.reason) > day_reviews.MAX_REASON:
        raise bad_input("REASON_TOO_LONG", "De reden is te lang.", "The reason is too long.")
    day_ids = [pk_of(i, "RequestedDay") for i in input.day_ids] if input.day_ids else None
    try:
        outcome = await day_reviews.review(
            principal,
            pk_of(input.request_id, "DayRequest"),
            approve=input.decision is ReviewDecision.APPROVE,
            reason=input.reason,
            day_ids=day_ids,
            publisher=hub.publisher(),
        )
    except DaysRefusedError as refused:
        return days_refused(refused, locale)
    except RefusedError as refused:
        return Refused.of(refused.refusal, locale)
    except AccessDenied as denied:
        raise _denied(denied) from None
    return DayRequestReviewed(
        request=DayRequest.from_model(outcome.request),
        days=[RequestedDay.from_model(d) for d in outcome.days],
    )


async def cancel_requested_day(info: Info, id: str) -> CancelRequestedDayResult:
    principal = principal_of(info)
    locale = info.context.locale
    contract_day = parse_contract_day_id(id)
    try:
        if contract_day is not None:
            await cancellation.cancel_contract_day(principal, *contract_day)
        type_name, pk = from_global_id(id)
        if type_name != "RequestedDay":
            raise bad_input("INVALID_ID", "Onbekende ID.", "Unknown ID.")
        day = await cancellation.cancel_day(principal, pk)
    except RefusedError as refused:
        return Refused.of(refused.refusal, locale)
    except AccessDenied as denied:
        raise _denied(denied) from None
    credit = None
    if day.credit_type_id is not None:  # type: ignore[attr-defined]
        balances = await info.context.loaders.agenda.credits_by_child.load(day.child_id)  # type: ignore[attr-defined]
        credit = next(
            (Credit.from_balance(b) for b in balances if b.credit_type.id == day.credit_type_id),  # type: ignore[attr-defined]
            None,
        )
    return RequestedDayCancelled(day=RequestedDay.from_model(day), credit=credit)


async def pending_requested_days(
    info: Info,
    location_id: str | None,
    group_id: str | None,
    start: date | None,
    end: date | None,
    first: int | None,
    after: str | None,
) -> Connection[RequestedDay]:
    principal = principal_of(info)
    try:
        ids = await day_reviews.pending_day_ids(
            principal,
            location_id=pk_of(location_id, "Location") if location_id else None,
            group_id=pk_of(group_id, "Group") if group_id else None,
            start=start,
            end=end,
        )
    except AccessDenied as denied:
        raise _denied(denied) from None
    page, has_next = paginate_keys(ids, first, after)
    rows = await info.context.loaders.agenda.requested_day_by_id.load_many(page)
    days = [RequestedDay.from_model(r) for r in rows if r is not None]
    return connection(days, lambda d: str(d.pk), has_next)
