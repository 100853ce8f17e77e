"""Shared model pieces: enums and the tenant-scoped base."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Role(StrEnum):
    PARENT = "parent"
    STAFF = "staff"
    PLANNER = "planner"
    ADMIN = "admin"


class CareType(StrEnum):
    KDV = "kdv"
    BSO = "bso"
    FLEX_KDV = "flex_kdv"
    FLEX_BSO = "flex_bso"


class TimestampedModel(Model):
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        abstract = True
