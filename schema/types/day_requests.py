"""Available times, and the inputs and results of requesting, reviewing and cancelling days,
reporting absence, granting credit and the calendar feed."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import Enum
from typing import Annotated

import strawberry

from schema.types.agenda import Absence, AbsenceReason, DayKind, DayPart, DayRequest, RequestedDay
from schema.types.credits import Credit
from schema.types.groups import CareType, Group
from schema.types.refusal import Refused
from services.errors import Refusal

# -- available times ----------------------------------------------------------------------


@strawberry.type(description="A bookable block of the child's care type.")
class TimeBlock:
    code: str
    name: str
    name_nl: str
    name_en: str
    start: time
    end: time


@strawberry.type
class TimeRange:
    start: time
    end: time


@strawberry.type(description="Flexible care: any start and end inside `free`, in steps.")
class FlexibleTimes:
    opens: time
    closes: time
    step_minutes: int
    minimum_minutes: int
    free: list[TimeRange]


@strawberry.type(
    description="What can be requested for a child on a date. When `possible` is false, "
    "`reason.code` says why: OUTSIDE_REQUEST_WINDOW, NO_PLACEMENT, CLOSED, ALREADY_PLANNED "
    "or GROUP_FULL."
)
class AvailableTimes:
    group_row: strawberry.Private[object | None]
    date: date
    possible: bool
    reason: Refused | None
    care_type: CareType | None
    kind: DayKind | None
    blocks: list[TimeBlock] = strawberry.field(description="KDV and BSO; empty for flexible.")
    flexible: FlexibleTimes | None = strawberry.field(description="Flexible KDV and BSO.")

    @strawberry.field
    def group(self) -> Group | None:
        return Group.from_model(self.group_row) if self.group_row is not None else None  # type: ignore[arg-type]


# -- requesting days --------------------------------------------------------------------


@strawberry.input(description="Exactly one: a credit type of the child, or charge on invoice.")
class PaymentInput:
    credit_type_id: strawberry.ID | None = None
    charge_on_invoice: bool = False


@strawberry.input
class RequestDayInput:
    child_id: strawberry.ID
    date: date
    start: time
    end: time
    payment: PaymentInput


@strawberry.input
class RequestDaysInput:
    days: list[RequestDayInput]
    expires_at: datetime | None = strawberry.field(
        default=None,
        description="Optional expiry moment (vervalmoment): in the future and before the "
        "first requested day starts.",
    )
    remark: str = ""


@strawberry.type(description="Why a day was approved at once, or why it waits.")
class DecisionReason:
    code: str = strawberry.field(
        description="AUTO_APPROVED, CHARGED_ON_INVOICE, TOO_SHORT_NOTICE or TOO_FAR_AHEAD."
    )
    message: str
    message_nl: str
    message_en: str

    @classmethod
    def of(cls, reason: Refusal, locale: str) -> DecisionReason:
        return cls(
            code=reason.code,
            message=reason.message(locale),
            message_nl=reason.message_nl,
            message_en=reason.message_en,
        )


@strawberry.type
class RequestedDayOutcome:
    day: RequestedDay
    auto_approved: bool
    reason: DecisionReason


@strawberry.type(description="The request was saved; each day approved at once or waiting.")
class DaysRequested:
    request: DayRequest
    days: list[RequestedDayOutcome]


@strawberry.type(description="One day that is not possible, and why.")
class DayNotPossible:
    index: int = strawberry.field(description="Position of the day in the input.")
    child_id: strawberry.ID
    date: date
    requested_day_id: strawberry.ID | None
    code: str
    message: str
    message_nl: str
    message_en: str


@strawberry.type(
    description="Nothing was saved: these days are not possible. Codes: OUTSIDE_REQUEST_WINDOW, "
    "NO_PLACEMENT, CLOSED, ALREADY_PLANNED, GROUP_FULL, INVALID_TIMES, TIME_NOT_OFFERED, "
    "OUTSIDE_OPENING_HOURS, TOO_SHORT, CREDIT_NOT_APPLICABLE, INSUFFICIENT_CREDIT."
)
class DaysRefused:
    code: str
    message: str
    message_nl: str
    message_en: str
    days: list[DayNotPossible]


RequestDaysResult = Annotated[
    DaysRequested | DaysRefused | Refused, strawberry.union("RequestDaysResult")
]


# -- review ----------------------------------------------------------------------------


@strawberry.enum
class ReviewDecision(Enum):
    APPROVE = "approve"
    REJECT = "reject"


@strawberry.input
class ReviewDayRequestInput:
    request_id: strawberry.ID
    decision: ReviewDecision
    reason: str = strawberry.field(default="", description="Required when rejecting.")
    day_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Only these days of the request; all waiting days if null."
    )


@strawberry.type
class DayRequestReviewed:
    request: DayRequest
    days: list[RequestedDay]


ReviewDayRequestResult = Annotated[
    DayRequestReviewed | DaysRefused | Refused, strawberry.union("ReviewDayRequestResult")
]


# -- cancel ----------------------------------------------------------------------------


@strawberry.type
class RequestedDayCancelled:
    day: RequestedDay
    credit: Credit | None = strawberry.field(description="The credit the minutes went back to.")


CancelRequestedDayResult = Annotated[
    RequestedDayCancelled | Refused, strawberry.union("CancelRequestedDayResult")
]


# -- absence ---------------------------------------------------------------------------


@strawberry.input
class AbsenceDayPartInput:
    date: date
    part: DayPart


@strawberry.input
class ReportAbsenceInput:
    child_id: strawberry.ID
    from_: date = strawberry.field(name="from")
    to: date
    reason: AbsenceReason
    day_parts: list[AbsenceDayPartInput] | None = strawberry.field(
        default=None,
        description="The parts to mark absent (see `Child.absencePlanning`); null: every care "
        "day of the period, whole day.",
    )
    remark: str = ""


@strawberry.type(description="The day parts now marked absent. No credit or hours come back.")
class AbsenceReported:
    absences: list[Absence]


ReportAbsenceResult = Annotated[AbsenceReported | Refused, strawberry.union("ReportAbsenceResult")]


# -- credit, calendar feed ----------------------------------------------------------------


@strawberry.input
class GrantCreditInput:
    child_id: strawberry.ID
    credit_type_id: strawberry.ID
    minutes: int = strawberry.field(description="Minutes to add (1 hour = 60).")
    lot_year: int | None = strawberry.field(default=None, description="This year when null.")
    note: str = ""


@strawberry.type
class CreditGranted:
    credit: Credit


GrantCreditResult = Annotated[CreditGranted | Refused, strawberry.union("GrantCreditResult")]


@strawberry.type(description="A private iCalendar address; the previous one stops working.")
class CalendarFeed:
    url: str
