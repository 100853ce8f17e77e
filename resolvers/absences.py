"""reportAbsence and the staff's list of today's absences."""

from __future__ import annotations

from resolvers.outcomes import principal_of
from schema.context import Info
from schema.errors import bad_input, forbidden, not_found
from schema.ids import pk_of
from schema.types.agenda import Absence
from schema.types.day_requests import AbsenceReported, ReportAbsenceInput, ReportAbsenceResult
from schema.types.refusal import Refused
from services import absences
from services.errors import AccessDenied, RefusedError


async def report_absence(info: Info, input: ReportAbsenceInput) -> ReportAbsenceResult:
    principal = principal_of(info)
    if len(input.remark) > absences.MAX_REMARK:
        raise bad_input("REMARK_TOO_LONG", "De opmerking is te lang.", "The remark is too long.")
    parts = [(p.date, p.part) for p in input.day_parts] if input.day_parts is not None else None
    try:
        rows = await absences.report_absence(
            principal,
            pk_of(input.child_id, "Child"),
            input.from_,
            input.to,
            input.reason,
            parts=parts,
            remark=input.remark.strip(),
        )
    except ValueError:
        raise bad_input(
            "INVALID_PERIOD",
            f"Kies een periode van hooguit {absences.MAX_RANGE_DAYS} dagen; de dagdelen moeten "
            "erin vallen.",
            f"Choose a period of at most {absences.MAX_RANGE_DAYS} days, with the day parts "
            "inside it.",
        ) from None
    except RefusedError as refused:
        return Refused.of(refused.refusal, info.context.locale)
    except AccessDenied as denied:
        raise (not_found() if denied.code == "NOT_FOUND" else forbidden()) from None
    return AbsenceReported(absences=[Absence.from_model(r) for r in rows])


async def todays_absences(info: Info, group_id: str | None) -> list[Absence]:
    principal = principal_of(info)
    try:
        rows = await absences.todays_absences(
            principal, pk_of(group_id, "Group") if group_id else None
        )
    except AccessDenied as denied:
        raise (not_found() if denied.code == "NOT_FOUND" else forbidden()) from None
    return [Absence.from_model(r) for r in rows]
