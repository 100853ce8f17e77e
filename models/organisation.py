"""Tenants and where care happens: organisations, locations, groups, closure days."""

from __future__ import annotations

from tortoise import fields
from tortoise.indexes import Index

from models.base import CareType, TimestampedModel


class Organisation(TimestampedModel):
    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=63, unique=True)
    name = fields.CharField(max_length=200)
    timezone = fields.CharField(max_length=64, default="Europe/Amsterdam")
    # Request term: an extra day is auto-approved when requested at least this many hours
    # and at most this many days before it starts (and paid from credit, and the group has room).
    request_min_lead_hours = fields.IntField(default=48)
    request_max_lead_days = fields.IntField(default=60)
    cancellation_deadline_hours = fields.IntField(default=24)
    # Requests are possible at all only for days starting within this many days from now.
    request_horizon_days = fields.IntField(default=365)
    # Flexible care: the shortest bookable stretch, in minutes (15-minute steps).
    flexible_min_minutes = fields.IntField(default=120)
    access_window_weeks = fields.IntField(default=8)
    # Registered-queries-only mode for API tokens (dashboards).
    tokens_registered_queries_only = fields.BooleanField(default=False)

    class Meta:
        table = "organisation"


class Location(TimestampedModel):
    id = fields.IntField(primary_key=True)
    organisation = fields.ForeignKeyField(
        "models.Organisation", related_name="locations", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=200)
    street = fields.CharField(max_length=200, default="")
    postal_code = fields.CharField(max_length=16, default="")
    city = fields.CharField(max_length=100, default="")
    phone = fields.CharField(max_length=32, default="")
    email = fields.CharField(max_length=254, default="")
    # {"mon": ["07:00", "18:30"], ..., "sun": null}
    opening_hours = fields.JSONField(default=dict)

    class Meta:
        table = "location"


class Group(TimestampedModel):
    id = fields.IntField(primary_key=True)
    organisation = fields.ForeignKeyField(
        "models.Organisation", related_name="groups", on_delete=fields.CASCADE
    )
    location = fields.ForeignKeyField(
        "models.Location", related_name="groups", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=100)
    care_type = fields.CharEnumField(CareType, max_length=16)
    capacity = fields.IntField()
    keeps_diary = fields.BooleanField(default=False)

    class Meta:
        table = "childgroup"


class ClosureDay(TimestampedModel):
    """A day the organisation (or one location) is closed, besides weekends and holidays."""

    id = fields.IntField(primary_key=True)
    organisation = fields.ForeignKeyField(
        "models.Organisation", related_name="closure_days", on_delete=fields.CASCADE
    )
    location = fields.ForeignKeyField(
        "models.Location", related_name="closure_days", null=True, on_delete=fields.CASCADE
    )
    date = fields.DateField()
    reason = fields.CharField(max_length=200, default="")

    class Meta:
        table = "closure_day"
        indexes = (Index(fields=("organisation_id", "date")),)
