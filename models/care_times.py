"""What can be booked when: time blocks per care type and the school-free days of BSO.

An organisation without time blocks for a care type gets built-in blocks derived from the
opening hours of the location (see services.time_blocks).
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index

from models.base import CareType, TimestampedModel
from models.fields import LocalTimeField


class BlockDays(StrEnum):
    ANY = "any"
    SCHOOL_DAY = "school_day"
    SCHOOL_FREE_DAY = "school_free_day"


class TimeBlock(TimestampedModel):
    """A bookable block of a care type, for the whole organisation or one location."""

    id = fields.IntField(primary_key=True)
    organisation = fields.ForeignKeyField(
        "models.Organisation", related_name="time_blocks", on_delete=fields.CASCADE
    )
    location = fields.ForeignKeyField(
        "models.Location", related_name="time_blocks", null=True, on_delete=fields.CASCADE
    )
    care_type = fields.CharEnumField(CareType, max_length=16)
    code = fields.CharField(max_length=32)
    name_nl = fields.CharField(max_length=100)
    name_en = fields.CharField(max_length=100)
    start_time = LocalTimeField()
    end_time = LocalTimeField()
    days = fields.CharEnumField(BlockDays, max_length=16, default=BlockDays.ANY)
    position = fields.IntField(default=0)

    class Meta:
        table = "time_block"
        indexes = (Index(fields=("organisation_id", "care_type")),)


class SchoolFreeKind(StrEnum):
    HOLIDAY = "holiday"
    STUDY_DAY = "study_day"


class SchoolFreePeriod(TimestampedModel):
    """A school holiday or study day: BSO offers its school-free blocks on these days."""

    id = fields.IntField(primary_key=True)
    organisation = fields.ForeignKeyField(
        "models.Organisation", related_name="school_free_periods", on_delete=fields.CASCADE
    )
    location = fields.ForeignKeyField(
        "models.Location", related_name="school_free_periods", null=True, on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(SchoolFreeKind, max_length=16)
    name = fields.CharField(max_length=100, default="")
    start_date = fields.DateField()
    end_date = fields.DateField()

    class Meta:
        table = "school_free_period"
        indexes = (Index(fields=("organisation_id", "start_date")),)
