"""grantCredit (planners) and the organisation's credit types."""

from __future__ import annotations

from models import CreditType as CreditTypeModel
from resolvers.outcomes import outcome, principal_of
from schema.context import Info
from schema.errors import bad_input
from schema.ids import pk_of
from schema.types.credits import Credit, CreditType
from schema.types.day_requests import CreditGranted, GrantCreditInput, GrantCreditResult
from services import credit_grants


async def grant_credit(info: Info, input: GrantCreditInput) -> GrantCreditResult:
    principal = principal_of(info)
    if not 0 < input.minutes <= credit_grants.MAX_GRANT_MINUTES or len(input.note) > 200:
        raise bad_input(
            "INVALID_GRANT",
            "Geef 1 minuut tot 1000 uur, met een notitie van hooguit 200 tekens.",
            "Give 1 minute to 1000 hours, with a note of at most 200 characters.",
        )
    return await outcome(
        info,
        credit_grants.grant_credit(
            principal,
            pk_of(input.child_id, "Child"),
            pk_of(input.credit_type_id, "CreditType"),
            input.minutes,
            input.lot_year,
            input.note.strip(),
        ),
        lambda balance: CreditGranted(credit=Credit.from_balance(balance)),
    )


async def credit_types(info: Info) -> list[CreditType]:
    principal = principal_of(info)
    rows = await CreditTypeModel.filter(organisation_id=principal.organisation_id).order_by(
        "name", "id"
    )
    return [CreditType.from_model(r) for r in rows]
