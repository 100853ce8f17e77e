"""People and who belongs to whom: users, children, guardianship, staff assignment, placements."""

from __future__ import annotations

from tortoise import fields
from tortoise.indexes import Index

from models.base import CareType, Role, TimestampedModel


class User(TimestampedModel):
    id = fields.IntField(primary_key=True)
    organisation = fields.ForeignKeyField(
        "models.Organisation", related_name="users", on_delete=fields.CASCADE
    )
    email = fields.CharField(max_length=254)
    first_name = fields.CharField(max_length=100)
    last_name = fields.CharField(max_length=100)
    role = fields.CharEnumField(Role, max_length=16)
    password_hash = fields.CharField(max_length=200, default="")
    is_active = fields.BooleanField(default=True)
    locale = fields.CharField(max_length=5, default="nl")
    phone = fields.CharField(max_length=32, default="")
    photo = fields.ForeignKeyField(
        "models.MediaFile", related_name=False, null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "app_user"
        unique_together = (("organisation", "email"),)


class Child(TimestampedModel):
    id = fields.IntField(primary_key=True)
    organisation = fields.ForeignKeyField(
        "models.Organisation", related_name="children", on_delete=fields.CASCADE
    )
    first_name = fields.CharField(max_length=100)
    last_name = fields.CharField(max_length=100)
    birth_date = fields.DateField()

    class Meta:
        table = "child"


class Guardianship(TimestampedModel):
    id = fields.IntField(primary_key=True)
    child = fields.ForeignKeyField(
        "models.Child", related_name="guardianships", on_delete=fields.CASCADE
    )
    user = fields.ForeignKeyField(
        "models.User", related_name="guardianships", on_delete=fields.CASCADE
    )

    class Meta:
        table = "guardianship"
        unique_together = (("child", "user"),)
        indexes = (Index(fields=("user_id", "child_id")),)


class StaffAssignment(TimestampedModel):
    """A staff member works in a group from `start_date` until `end_date` (open when null)."""

    id = fields.IntField(primary_key=True)
    user = fields.ForeignKeyField(
        "models.User", related_name="assignments", on_delete=fields.CASCADE
    )
    group = fields.ForeignKeyField(
        "models.Group", related_name="assignments", on_delete=fields.CASCADE
    )
    start_date = fields.DateField()
    end_date = fields.DateField(null=True)

    class Meta:
        table = "staff_assignment"
        indexes = (
            Index(fields=("user_id", "group_id")),
            Index(fields=("group_id", "user_id")),
        )


class Placement(TimestampedModel):
    """The contract of a child with a group: care type, weekly schedule, period and mentor.

    `schedule` is a list of weekly care days: [{"weekday": 0, "start": "07:30", "end": "18:00"}]
    (weekday 0 = Monday). Flexible care types may have an empty schedule.
    """

    id = fields.IntField(primary_key=True)
    organisation = fields.ForeignKeyField(
        "models.Organisation", related_name="placements", on_delete=fields.CASCADE
    )
    child = fields.ForeignKeyField(
        "models.Child", related_name="placements", on_delete=fields.CASCADE
    )
    group = fields.ForeignKeyField(
        "models.Group", related_name="placements", on_delete=fields.CASCADE
    )
    care_type = fields.CharEnumField(CareType, max_length=16)
    schedule = fields.JSONField(default=list)
    start_date = fields.DateField()
    end_date = fields.DateField(null=True)
    mentor = fields.ForeignKeyField(
        "models.User", related_name="mentees", null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "placement"
        indexes = (
            Index(fields=("child_id", "start_date")),
            Index(fields=("group_id", "start_date")),
        )
