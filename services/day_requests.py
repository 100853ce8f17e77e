"""Requesting extra and flexible days: one request, one or more days, all or nothing.

Each day is checked like `availableTimes` (window, placement, closed, already planned, group
full), its times against the blocks or the flexible window, and its payment: a credit that
fits the care type with enough valid minutes, or "charge on invoice". If any day is not
possible, nothing is saved and every failing day says why (`DaysRefused`).

Auto-approval: a day paid from credit, requested within the organisation's term (at least
`request_min_lead_hours` and at most `request_max_lead_days` ahead) and with room in the
group is approved at once and its minutes are used; every other day waits for a planner,
with its credit minutes reserved. Groups and children are locked while checking and
writing, so two requests for the last place or the last minutes never both win.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time

from tortoise.transactions import in_transaction

from models import (
    CreditType,
    DayRequest,
    DayStatus,
    LedgerKind,
    Organisation,
    RequestedDay,
    RequestedDayChange,
)
from services import access, clock, credits, locks
from services import care_refusals as refuse
from services.availability import check_times, day_options, minutes_between, term_reason
from services.calendar import local_moment
from services.capacity import Occupancy
from services.errors import AccessDenied, Refusal, RefusedError
from services.events import DomainEvent, record
from services.planning import Planning
from services.principal import Principal

MAX_DAYS = 31
MAX_REMARK = 1000
AUTO_APPROVED = "AUTO_APPROVED"
CREATED_EVENT = "day_request.created"


@dataclass(frozen=True, slots=True)
class DaySpec:
    child_id: int
    date: date
    start: time
    end: time
    credit_type_id: int | None  # None: charge on invoice


@dataclass(frozen=True, slots=True)
class DayRefusal:
    index: int
    child_id: int
    date: date
    refusal: Refusal
    day_id: int | None = None


class DaysRefused(RefusedError):
    """Some days are not possible: nothing was saved. `days` says which and why."""

    def __init__(self, days: list[DayRefusal]) -> None:
        super().__init__(refuse.days_not_possible(len(days)))
        self.days = days


@dataclass(frozen=True, slots=True)
class DayDecision:
    day: RequestedDay
    auto_approved: bool
    reason: Refusal  # why approved at once, or why it waits (code + messages)


@dataclass
class RequestOutcome:
    request: DayRequest
    days: list[DayDecision]


def decision_reason(code: str, organisation: Organisation) -> Refusal:
    """The answer's explanation for one day: approved at once, or why it waits."""
    texts = {
        AUTO_APPROVED: (
            "Direct goedgekeurd: betaald met tegoed, binnen de aanvraagtermijn en er is plek.",
            "Approved at once: paid from credit, within the request term, and there is room.",
        ),
        "CHARGED_ON_INVOICE": (
            "Wacht op beoordeling: een dag op factuur beoordeelt de planning.",
            "Waiting for review: a day charged on the invoice is reviewed by the planners.",
        ),
        "TOO_SHORT_NOTICE": (
            f"Wacht op beoordeling: minder dan {organisation.request_min_lead_hours} uur "
            "van tevoren aangevraagd.",
            f"Waiting for review: requested less than {organisation.request_min_lead_hours} "
            "hours ahead.",
        ),
        "TOO_FAR_AHEAD": (
            f"Wacht op beoordeling: meer dan {organisation.request_max_lead_days} dagen "
            "vooruit aangevraagd.",
            f"Waiting for review: requested more than {organisation.request_max_lead_days} "
            "days ahead.",
        ),
    }
    nl, en = texts[code]
    return Refusal(code, nl, en)


async def _check_children(principal: Principal, child_ids: set[int]) -> None:
    if not (principal.is_parent or principal.is_back_office):
        raise AccessDenied("FORBIDDEN")
    if not child_ids <= set(await access.visible_child_ids(principal)):
        raise AccessDenied("NOT_FOUND")


def _check_expiry(
    organisation: Organisation, specs: list[DaySpec], expires_at: datetime | None, now: datetime
) -> None:
    if expires_at is None:
        return
    if expires_at <= now:
        raise RefusedError(refuse.expiry_in_past())
    first = min(local_moment(s.date, s.start, organisation.timezone) for s in specs)
    if expires_at >= first:
        raise RefusedError(refuse.expiry_after_first_day())


@dataclass
class _Plan:
    index: int
    spec: DaySpec
    group_id: int
    kind: str
    lots: list[tuple[int, int]]
    waits_because: str | None


async def request_days(
    principal: Principal,
    specs: list[DaySpec],
    expires_at: datetime | None = None,
    remark: str = "",
) -> RequestOutcome:
    """Check every day, then save the whole request (or nothing, raising `DaysRefused`)."""
    if not 1 <= len(specs) <= MAX_DAYS:
        raise ValueError(f"a request has 1 to {MAX_DAYS} days")
    await _check_children(principal, {s.child_id for s in specs})
    organisation = await Organisation.get(id=principal.organisation_id)
    now = clock.now()
    _check_expiry(organisation, specs, expires_at, now)
    first, last = min(s.date for s in specs), max(s.date for s in specs)
    child_ids = sorted({s.child_id for s in specs})
    before = await Planning.load(organisation.id, child_ids, first, last)
    groups = {p.group_id for s in specs if (p := before.placement_on(s.child_id, s.date))}  # type: ignore[attr-defined]
    async with in_transaction() as conn:
        await locks.lock_groups(groups, conn)
        await locks.lock_children(child_ids, conn)
        plans = await _evaluate(organisation, specs, child_ids, first, last, now, conn)
        return await _save(principal, organisation, plans, expires_at, remark, now, conn)


async def _evaluate(organisation, specs, child_ids, first, last, now, conn) -> list[_Plan]:
    """Check every day against fresh data (the locks are held); raise if any fails."""
    planning = await Planning.load(organisation.id, child_ids, first, last)
    groups = {p.group_id for s in specs if (p := planning.placement_on(s.child_id, s.date))}  # type: ignore[attr-defined]
    occupancy = await Occupancy.load(organisation.id, sorted(groups), first, last)
    type_ids = {s.credit_type_id for s in specs if s.credit_type_id is not None}
    types = {
        t.id: t
        for t in await CreditType.filter(id__in=list(type_ids), organisation_id=organisation.id)
    }
    lots: dict[tuple[int, int], dict[int, int]] = {}
    in_request: dict[tuple[int, date], list[tuple[time, time]]] = defaultdict(list)
    today = clock.today(organisation.timezone)
    plans: list[_Plan] = []
    failed: list[DayRefusal] = []
    for index, spec in enumerate(specs):
        key = (spec.child_id, spec.date)
        options = day_options(planning, occupancy, spec.child_id, spec.date, now, in_request[key])
        refusal = options.refusal or check_times(options, spec.start, spec.end)
        taken: list[tuple[int, int]] = []
        if refusal is None and spec.credit_type_id is not None:
            credit_type = types.get(spec.credit_type_id)
            if credit_type is None or not credits.fits(credit_type, options.placement.care_type):  # type: ignore[union-attr]
                refusal = refuse.credit_not_applicable()
            else:
                lot_key = (spec.child_id, credit_type.id)
                if lot_key not in lots:
                    lots[lot_key] = await credits.lot_minutes(spec.child_id, credit_type.id, conn)
                minutes = minutes_between(spec.start, spec.end)
                taken = credits.plan_take(lots[lot_key], minutes, spec.date, today)
                if not taken:
                    available = credits.usable_minutes(lots[lot_key], spec.date, today)
                    refusal = credits.insufficient(credit_type, minutes, available)
                for year, amount in taken:
                    lots[lot_key][year] -= amount
        if refusal is not None:
            failed.append(DayRefusal(index, spec.child_id, spec.date, refusal))
            continue
        group_id = options.group_id
        occupancy.take(group_id, spec.date, spec.child_id)  # type: ignore[arg-type]
        in_request[key].append((spec.start, spec.end))
        starts_at = local_moment(spec.date, spec.start, organisation.timezone)
        waits = (
            "CHARGED_ON_INVOICE"
            if spec.credit_type_id is None
            else term_reason(organisation, starts_at, now)
        )
        plans.append(_Plan(index, spec, group_id, options.kind, taken, waits))  # type: ignore[arg-type]
    if failed:
        raise DaysRefused(failed)
    return plans


async def _save(principal, organisation, plans, expires_at, remark, now, conn) -> RequestOutcome:
    request = await DayRequest.create(
        organisation_id=organisation.id,
        requested_by_id=principal.user_id,
        expires_at=expires_at,
        remark=remark,
        using_db=conn,
    )
    decisions = []
    for plan in plans:
        approved = plan.waits_because is None
        spec = plan.spec
        day = await RequestedDay.create(
            organisation_id=organisation.id,
            request_id=request.id,
            child_id=spec.child_id,
            group_id=plan.group_id,
            kind=plan.kind,
            date=spec.date,
            start_time=spec.start,
            end_time=spec.end,
            status=DayStatus.APPROVED if approved else DayStatus.REQUESTED,
            credit_type_id=spec.credit_type_id,
            charge_on_invoice=spec.credit_type_id is None,
            decided_at=now if approved else None,
            using_db=conn,
        )
        await RequestedDayChange.create(
            day_id=day.id, status=DayStatus.REQUESTED, actor_id=principal.user_id, using_db=conn
        )
        if approved:
            await RequestedDayChange.create(
                day_id=day.id, status=DayStatus.APPROVED, reason=AUTO_APPROVED, using_db=conn
            )
        if spec.credit_type_id is not None:
            kind = LedgerKind.USE if approved else LedgerKind.RESERVATION
            await credits.write(conn, day, spec.credit_type_id, kind, plan.lots, principal.user_id)
        reason = decision_reason(plan.waits_because or AUTO_APPROVED, organisation)
        decisions.append(DayDecision(day, approved, reason))
    days = [d.day for d in decisions]
    await record(  # last: ids only, for webhooks (the requester already has the answer)
        DomainEvent(
            type=CREATED_EVENT,
            topic=f"user:{principal.user_id}",
            organisation_id=organisation.id,
            payload={"request_id": request.id, "day_ids": sorted(d.id for d in days)},
            audience=tuple(sorted({f"child:{d.child_id}" for d in days})),  # type: ignore[attr-defined]
        ),
        conn,
    )
    return RequestOutcome(request, decisions)
