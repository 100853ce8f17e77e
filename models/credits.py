"""Credit types and the append-only credit ledger. Balances are computed, never stored."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index

from models.base import TimestampedModel


class CreditType(TimestampedModel):
    id = fields.IntField(primary_key=True)
    organisation = fields.ForeignKeyField(
        "models.Organisation", related_name="credit_types", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=100)
    # Which care types this credit pays for, e.g. ["kdv", "flex_kdv"].
    care_types = fields.JSONField(default=list)

    class Meta:
        table = "credit_type"


class LedgerKind(StrEnum):
    PURCHASE = "purchase"
    RESERVATION = "reservation"
    RELEASE = "release"
    USE = "use"
    REFUND = "refund"
    EXPIRY = "expiry"


class CreditLedgerEntry(TimestampedModel):
    """One movement of minutes in one lot (the lot of `lot_year`, valid until 31 December)."""

    id = fields.IntField(primary_key=True)
    organisation = fields.ForeignKeyField(
        "models.Organisation", related_name="credit_entries", on_delete=fields.CASCADE
    )
    child = fields.ForeignKeyField(
        "models.Child", related_name="credit_entries", on_delete=fields.CASCADE
    )
    credit_type = fields.ForeignKeyField(
        "models.CreditType", related_name="entries", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(LedgerKind, max_length=16)
    minutes = fields.IntField()  # positive adds to the lot, negative takes from it
    lot_year = fields.IntField()
    requested_day = fields.ForeignKeyField(
        "models.RequestedDay", related_name="credit_entries", null=True, on_delete=fields.SET_NULL
    )
    created_by = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    note = fields.CharField(max_length=200, default="")

    class Meta:
        table = "credit_ledger_entry"
        indexes = (Index(fields=("child_id", "credit_type_id", "lot_year")),)
