"""Mutations of the agenda: request, review and cancel days, report absence, grant credit,
the calendar feed."""

from __future__ import annotations

import strawberry

from resolvers import absences as absence_resolvers
from resolvers import calendar_feed as feed_resolvers
from resolvers import credits as credit_resolvers
from resolvers import day_requests as request_resolvers
from schema.context import Info
from schema.permissions import IsAuthenticated, IsBackOffice
from schema.types.day_requests import (
    CalendarFeed,
    CancelRequestedDayResult,
    GrantCreditInput,
    GrantCreditResult,
    ReportAbsenceInput,
    ReportAbsenceResult,
    RequestDaysInput,
    RequestDaysResult,
    ReviewDayRequestInput,
    ReviewDayRequestResult,
)


@strawberry.type
class AgendaMutations:
    @strawberry.mutation(
        permission_classes=[IsAuthenticated],
        description="Request extra or flexible days for one or more children, all or nothing. "
        "Each day is approved at once when paid from credit, within the term and with room; "
        "otherwise it waits for a planner. `DaysRefused` lists every day that is not possible "
        "(nothing saved). Refused: EXPIRY_IN_PAST, EXPIRY_AFTER_FIRST_DAY.",
    )
    async def request_days(self, info: Info, input: RequestDaysInput) -> RequestDaysResult:
        return await request_resolvers.request_days(info, input)

    @strawberry.mutation(
        permission_classes=[IsAuthenticated],
        description="Cancel an extra or flexible day; the credit comes back. Refused: "
        "CANCELLATION_DEADLINE_PASSED (report absence instead), CONTRACT_DAY_NOT_CANCELLABLE, "
        "NOT_CANCELLABLE.",
    )
    async def cancel_requested_day(self, info: Info, id: strawberry.ID) -> CancelRequestedDayResult:
        return await request_resolvers.cancel_requested_day(info, id)

    @strawberry.mutation(
        permission_classes=[IsAuthenticated],
        description="Mark day parts of a period absent (see `Child.absencePlanning` for the "
        "planning first). No credit or hours come back. Refused: PAST_DAY, NO_CARE_ON_DAY, "
        "ALREADY_ABSENT.",
    )
    async def report_absence(self, info: Info, input: ReportAbsenceInput) -> ReportAbsenceResult:
        return await absence_resolvers.report_absence(info, input)

    @strawberry.mutation(
        permission_classes=[IsBackOffice],
        description="Planners: approve or reject (with a reason) the waiting days of a request; "
        "capacity is checked again. Refused: NOT_PENDING, REASON_REQUIRED; `DaysRefused` "
        "with GROUP_FULL.",
    )
    async def review_day_request(
        self, info: Info, input: ReviewDayRequestInput
    ) -> ReviewDayRequestResult:
        return await request_resolvers.review_day_request(info, input)

    @strawberry.mutation(
        permission_classes=[IsBackOffice],
        description="Planners: add purchased minutes to a child's credit. Refused: LOT_EXPIRED.",
    )
    async def grant_credit(self, info: Info, input: GrantCreditInput) -> GrantCreditResult:
        return await credit_resolvers.grant_credit(info, input)

    @strawberry.mutation(
        permission_classes=[IsAuthenticated],
        description="Parents: a private iCalendar URL of their children's agenda, to subscribe "
        "to in a phone calendar. The previous URL stops working.",
    )
    async def create_calendar_feed(self, info: Info) -> CalendarFeed:
        return await feed_resolvers.create_calendar_feed(info)

    @strawberry.mutation(
        permission_classes=[IsAuthenticated],
        description="Revoke the viewer's calendar feed URL; true when one was active.",
    )
    async def revoke_calendar_feed(self, info: Info) -> bool:
        return await feed_resolvers.revoke_calendar_feed(info)
