"""Credits: per credit type purchased, used, reserved and remaining, lots and usages."""

from __future__ import annotations

from datetime import date

import strawberry

from models import CreditType as CreditTypeModel
from schema.context import Info
from schema.ids import to_global_id
from schema.types.agenda import RequestedDay
from services.credits import CreditBalance


def hours(minutes: int) -> float:
    return round(minutes / 60, 2)


@strawberry.type(description="A kind of credit of the organisation, e.g. KDV flex credit.")
class CreditType:
    id: strawberry.ID
    name: str
    care_types: list[str] = strawberry.field(description="Care types it pays for, e.g. kdv.")

    @classmethod
    def from_model(cls, row: CreditTypeModel) -> CreditType:
        return cls(
            id=strawberry.ID(to_global_id("CreditType", row.id)),
            name=row.name,
            care_types=[str(c) for c in row.care_types or []],
        )


@strawberry.type(description="What is left of one year's lot; valid until 31 December.")
class CreditLot:
    year: int
    remaining_minutes: int
    valid_until: date

    @strawberry.field
    def remaining_hours(self) -> float:
        return hours(self.remaining_minutes)


@strawberry.type(description="A date the credit was used on.")
class CreditUsage:
    requested_day_pk: strawberry.Private[int]
    date: date
    minutes: int

    @strawberry.field
    def hours(self) -> float:
        return hours(self.minutes)

    @strawberry.field
    async def requested_day(self, info: Info) -> RequestedDay | None:
        row = await info.context.loaders.agenda.requested_day_by_id.load(self.requested_day_pk)
        return RequestedDay.from_model(row) if row else None


@strawberry.type(
    description="A child's credit of one type, from the append-only ledger. Expired minutes "
    "never count in `remaining`; the oldest lot is used first."
)
class Credit:
    credit_type: CreditType
    purchased_minutes: int
    used_minutes: int
    reserved_minutes: int = strawberry.field(description="Held for days waiting for review.")
    expired_minutes: int
    remaining_minutes: int
    valid_until: date | None = strawberry.field(
        description="When the first remaining minutes lapse; null when nothing remains."
    )
    lots: list[CreditLot]
    usages: list[CreditUsage]

    @classmethod
    def from_balance(cls, balance: CreditBalance) -> Credit:
        return cls(
            credit_type=CreditType.from_model(balance.credit_type),
            purchased_minutes=balance.purchased,
            used_minutes=balance.used,
            reserved_minutes=balance.reserved,
            expired_minutes=balance.expired,
            remaining_minutes=balance.remaining,
            valid_until=balance.valid_until,
            lots=[
                CreditLot(
                    year=lot.year, remaining_minutes=lot.remaining, valid_until=lot.valid_until
                )
                for lot in balance.lots
            ],
            usages=[
                CreditUsage(requested_day_pk=u.requested_day_id, date=u.date, minutes=u.minutes)
                for u in balance.usages
            ],
        )

    @strawberry.field
    def name(self) -> str:
        return self.credit_type.name

    @strawberry.field
    def purchased_hours(self) -> float:
        return hours(self.purchased_minutes)

    @strawberry.field
    def used_hours(self) -> float:
        return hours(self.used_minutes)

    @strawberry.field
    def reserved_hours(self) -> float:
        return hours(self.reserved_minutes)

    @strawberry.field
    def remaining_hours(self) -> float:
        return hours(self.remaining_minutes)
