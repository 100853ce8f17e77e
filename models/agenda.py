"""Requested days (extra and flexible care), their status history, and absences.

Contract days are not stored: they are generated from a placement's weekly schedule.
Only what deviates from the contract is a row here.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index

from models.base import TimestampedModel
from models.fields import LocalTimeField


class DayKind(StrEnum):
    CONTRACT = "contract"
    EXTRA = "extra"
    FLEXIBLE = "flexible"


class DayStatus(StrEnum):
    PLANNED = "planned"
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    ABSENT = "absent"


class DayRequest(TimestampedModel):
    """One submission of one or more days, by one parent."""

    id = fields.IntField(primary_key=True)
    organisation = fields.ForeignKeyField(
        "models.Organisation", related_name="day_requests", on_delete=fields.CASCADE
    )
    requested_by = fields.ForeignKeyField(
        "models.User", related_name="day_requests", null=True, on_delete=fields.SET_NULL
    )
    expires_at = fields.DatetimeField(null=True)
    remark = fields.TextField(default="")

    class Meta:
        table = "day_request"


class RequestedDay(TimestampedModel):
    id = fields.IntField(primary_key=True)
    organisation = fields.ForeignKeyField(
        "models.Organisation", related_name="requested_days", on_delete=fields.CASCADE
    )
    request = fields.ForeignKeyField(
        "models.DayRequest", related_name="days", on_delete=fields.CASCADE
    )
    child = fields.ForeignKeyField(
        "models.Child", related_name="requested_days", on_delete=fields.CASCADE
    )
    group = fields.ForeignKeyField(
        "models.Group", related_name="requested_days", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(DayKind, max_length=16)
    date = fields.DateField()
    start_time = LocalTimeField()
    end_time = LocalTimeField()
    status = fields.CharEnumField(DayStatus, max_length=16)
    # Payment: a credit type (hours reserved in the ledger) or charged on the invoice.
    credit_type = fields.ForeignKeyField(
        "models.CreditType", related_name="requested_days", null=True, on_delete=fields.SET_NULL
    )
    charge_on_invoice = fields.BooleanField(default=False)
    decided_by = fields.ForeignKeyField(
        "models.User", related_name="decided_days", null=True, on_delete=fields.SET_NULL
    )
    decided_at = fields.DatetimeField(null=True)
    decision_reason = fields.TextField(default="")

    class Meta:
        table = "requested_day"
        indexes = (
            Index(fields=("child_id", "date")),
            Index(fields=("group_id", "date", "status")),
            Index(fields=("organisation_id", "status")),
        )


class RequestedDayChange(TimestampedModel):
    """Append-only status history of a requested day."""

    id = fields.IntField(primary_key=True)
    day = fields.ForeignKeyField(
        "models.RequestedDay", related_name="changes", on_delete=fields.CASCADE
    )
    status = fields.CharEnumField(DayStatus, max_length=16)
    actor = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    reason = fields.TextField(default="")

    class Meta:
        table = "requested_day_change"


class AbsenceReason(StrEnum):
    SICK = "sick"
    HOLIDAY = "holiday"
    OTHER = "other"


class DayPart(StrEnum):
    WHOLE_DAY = "whole_day"
    MORNING = "morning"
    AFTERNOON = "afternoon"


class Absence(TimestampedModel):
    id = fields.IntField(primary_key=True)
    organisation = fields.ForeignKeyField(
        "models.Organisation", related_name="absences", on_delete=fields.CASCADE
    )
    child = fields.ForeignKeyField(
        "models.Child", related_name="absences", on_delete=fields.CASCADE
    )
    group = fields.ForeignKeyField(
        "models.Group", related_name="absences", on_delete=fields.CASCADE
    )
    date = fields.DateField()
    day_part = fields.CharEnumField(DayPart, max_length=16)
    reason = fields.CharEnumField(AbsenceReason, max_length=16)
    remark = fields.TextField(default="")
    reported_by = fields.ForeignKeyField(
        "models.User", related_name="reported_absences", null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "absence"
        unique_together = (("child", "date", "day_part"),)
        indexes = (Index(fields=("group_id", "date")),)


class CalendarFeed(TimestampedModel):
    """The private iCalendar URL of a parent, revoked by setting `revoked_at`."""

    id = fields.IntField(primary_key=True)
    user = fields.ForeignKeyField(
        "models.User", related_name="calendar_feeds", on_delete=fields.CASCADE
    )
    token_hash = fields.CharField(max_length=64, unique=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "calendar_feed"
