"""The agenda: care days (slots), requested days with their request and history, absences."""

from __future__ import annotations

import base64
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Annotated

import strawberry

from models import AbsenceReason as AbsenceReasonValue
from models import DayKind as DayKindValue
from models import DayPart as DayPartValue
from models import DayRequest as DayRequestModel
from models import DayStatus as DayStatusValue
from models import RequestedDay as RequestedDayModel
from schema.context import Info
from schema.ids import to_global_id
from schema.relay import Node
from schema.types.groups import Group
from services.agenda import status_of
from services.b64 import urlsafe
from services.planning import CareSlot

if TYPE_CHECKING:
    from schema.types.children import Child
    from schema.types.credits import CreditType

ChildRef = Annotated["Child", strawberry.lazy("schema.types.children")]
CreditTypeRef = Annotated["CreditType", strawberry.lazy("schema.types.credits")]

DayKind = strawberry.enum(DayKindValue, name="DayKind", description="Contract, extra or flexible.")
DayStatus = strawberry.enum(DayStatusValue, name="DayStatus")
DayPart = strawberry.enum(DayPartValue, name="DayPart")
AbsenceReason = strawberry.enum(AbsenceReasonValue, name="AbsenceReason")


def contract_day_id(placement_id: int, day: date, start: time) -> str:
    """The ID of a generated contract day (not stored, so not a Node)."""
    raw = f"ContractDay:{placement_id}.{day:%Y%m%d}.{start:%H%M}"
    return urlsafe(raw.encode())


def parse_contract_day_id(global_id: str) -> tuple[int, date] | None:
    """(placement id, date) of a contract day ID, or None when it is not one."""
    try:
        raw = base64.urlsafe_b64decode((global_id + "=" * (-len(global_id) % 4)).encode())
        kind, _, rest = raw.decode().partition(":")
        placement, day, _start = rest.split(".")
        if kind != "ContractDay":
            return None
        return int(placement), datetime.strptime(day, "%Y%m%d").date()
    except (ValueError, UnicodeDecodeError):
        return None


@strawberry.type(description="One change of a requested day's status (append-only history).")
class StatusChange:
    actor_pk: strawberry.Private[int | None]
    status: DayStatus
    at: datetime
    reason: str = strawberry.field(
        description="The planner's reason, or a code for automatic changes: AUTO_APPROVED, "
        "EXPIRY_MOMENT_PASSED, DAY_STARTED."
    )

    @strawberry.field(description="Who made the change; null when the system did.")
    async def actor_name(self, info: Info) -> str | None:
        if self.actor_pk is None:
            return None
        user = await info.context.loaders.user_by_id.load(self.actor_pk)
        return f"{user.first_name} {user.last_name}" if user else None


@strawberry.type(description="How a requested day is paid: from a credit, or on the invoice.")
class Payment:
    credit_type_pk: strawberry.Private[int | None]
    charge_on_invoice: bool

    @strawberry.field
    async def credit_type(self, info: Info) -> CreditTypeRef | None:
        from schema.types.credits import CreditType

        if self.credit_type_pk is None:
            return None
        row = await info.context.loaders.agenda.credit_type_by_id.load(self.credit_type_pk)
        return CreditType.from_model(row) if row else None


@strawberry.type(description="An extra or flexible day asked for in a request.")
class RequestedDay(Node):
    pk: strawberry.Private[int]
    request_pk: strawberry.Private[int]
    child_pk: strawberry.Private[int]
    group_pk: strawberry.Private[int]
    date: date
    start: time
    end: time
    kind: DayKind
    status: DayStatus = strawberry.field(description="The request's own status (never ABSENT).")
    payment: Payment
    decision_reason: str
    decided_at: datetime | None

    @classmethod
    def from_model(cls, day: RequestedDayModel) -> RequestedDay:
        return cls(
            id=strawberry.ID(to_global_id("RequestedDay", day.id)),
            pk=day.id,
            request_pk=day.request_id,  # type: ignore[attr-defined]
            child_pk=day.child_id,  # type: ignore[attr-defined]
            group_pk=day.group_id,  # type: ignore[attr-defined]
            date=day.date,
            start=day.start_time,
            end=day.end_time,
            kind=DayKindValue(day.kind),
            status=DayStatusValue(day.status),
            payment=Payment(
                credit_type_pk=day.credit_type_id,  # type: ignore[attr-defined]
                charge_on_invoice=day.charge_on_invoice,
            ),
            decision_reason=day.decision_reason,
            decided_at=day.decided_at,
        )

    @strawberry.field
    async def request(self, info: Info) -> DayRequest:
        row = await info.context.loaders.agenda.day_request_by_id.load(self.request_pk)
        return DayRequest.from_model(row)

    @strawberry.field(description="Every status the day has had, oldest first.")
    async def history(self, info: Info) -> list[StatusChange]:
        rows = await info.context.loaders.agenda.changes_by_day.load(self.pk)
        return [
            StatusChange(
                actor_pk=r.actor_id,  # type: ignore[attr-defined]
                status=DayStatusValue(r.status),
                at=r.created_at,
                reason=r.reason,
            )
            for r in rows
        ]

    @strawberry.field
    async def group(self, info: Info) -> Group:
        return Group.from_model(await info.context.loaders.group_by_id.load(self.group_pk))

    @strawberry.field
    async def child(self, info: Info) -> ChildRef:
        from schema.types.children import Child

        return Child.from_model(await info.context.loaders.child_by_id.load(self.child_pk))


@strawberry.type(description="One submission of one or more days.")
class DayRequest(Node):
    pk: strawberry.Private[int]
    expires_at: datetime | None = strawberry.field(
        description="If not reviewed by then, the waiting days lapse (vervalmoment)."
    )
    remark: str
    created_at: datetime

    @classmethod
    def from_model(cls, request: DayRequestModel) -> DayRequest:
        return cls(
            id=strawberry.ID(to_global_id("DayRequest", request.id)),
            pk=request.id,
            expires_at=request.expires_at,
            remark=request.remark,
            created_at=request.created_at,
        )

    @strawberry.field(description="Its days, of the children the viewer may see.")
    async def days(self, info: Info) -> list[RequestedDay]:
        loaders = info.context.loaders
        visible = set(await loaders.visible_child_ids())
        rows = await loaders.agenda.days_by_request.load(self.pk)
        return [RequestedDay.from_model(d) for d in rows if d.child_id in visible]  # type: ignore[attr-defined]


@strawberry.type(description="One care day (or part of one) in a child's agenda.")
class AgendaSlot:
    group_pk: strawberry.Private[int]
    requested_day_row: strawberry.Private[RequestedDayModel | None]
    id: strawberry.ID = strawberry.field(
        description="The requested day's ID, or for a contract day an ID that "
        "`cancelRequestedDay` answers with CONTRACT_DAY_NOT_CANCELLABLE."
    )
    date: date
    start: time
    end: time
    kind: DayKind
    status: DayStatus = strawberry.field(
        description="PLANNED (contract), REQUESTED, APPROVED, REJECTED, EXPIRED, CANCELLED, "
        "or ABSENT when all of the day's care is reported absent."
    )
    absent_parts: list[DayPart]

    @classmethod
    def from_slot(cls, slot: CareSlot) -> AgendaSlot:
        if slot.requested_day is not None:
            slot_id = to_global_id("RequestedDay", slot.requested_day.id)
        else:
            slot_id = contract_day_id(slot.placement_id or 0, slot.date, slot.start)
        return cls(
            group_pk=slot.group_id,
            requested_day_row=slot.requested_day,
            id=strawberry.ID(slot_id),
            date=slot.date,
            start=slot.start,
            end=slot.end,
            kind=slot.kind,
            status=status_of(slot),
            absent_parts=sorted(slot.absent_parts),
        )

    @strawberry.field
    async def group(self, info: Info) -> Group:
        return Group.from_model(await info.context.loaders.group_by_id.load(self.group_pk))

    @strawberry.field(description="For an extra or flexible day: its request, status history, "
                      "payment and remark.")  # fmt: skip
    def requested_day(self) -> RequestedDay | None:
        row = self.requested_day_row
        return RequestedDay.from_model(row) if row is not None else None


@strawberry.type(description="A day part reported absent.")
class Absence:
    child_pk: strawberry.Private[int]
    group_pk: strawberry.Private[int]
    date: date
    day_part: DayPart
    reason: AbsenceReason
    remark: str
    reported_at: datetime

    @classmethod
    def from_model(cls, row) -> Absence:
        return cls(
            child_pk=row.child_id,
            group_pk=row.group_id,
            date=row.date,
            day_part=DayPartValue(row.day_part),
            reason=AbsenceReasonValue(row.reason),
            remark=row.remark,
            reported_at=row.created_at,
        )

    @strawberry.field
    async def child(self, info: Info) -> ChildRef:
        from schema.types.children import Child

        return Child.from_model(await info.context.loaders.child_by_id.load(self.child_pk))

    @strawberry.field
    async def group(self, info: Info) -> Group:
        return Group.from_model(await info.context.loaders.group_by_id.load(self.group_pk))


@strawberry.type(description="A care day in an absence period: what can be reported.")
class AbsencePlanningDay:
    date: date
    slots: list[AgendaSlot]
    parts: list[DayPart] = strawberry.field(description="The day parts that can be reported.")
    absent_parts: list[DayPart] = strawberry.field(description="Already reported.")


@strawberry.type(description="A decision on (some days of) a request: by a planner, or expiry.")
class DayRequestDecision:
    expired: bool = strawberry.field(description="True when the days lapsed by themselves.")
    request: DayRequest
    days: list[RequestedDay] = strawberry.field(description="The days this decision was about.")
