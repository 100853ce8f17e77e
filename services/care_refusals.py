"""Every refusal of the agenda rules, with its stable code and its Dutch and English message."""

from __future__ import annotations

from datetime import date

from services.calendar import Closed
from services.errors import Refusal


def outside_request_window(day: date) -> Refusal:
    return Refusal(
        "OUTSIDE_REQUEST_WINDOW",
        f"Voor {day.isoformat()} kan niet (meer) worden aangevraagd.",
        f"{day.isoformat()} cannot be requested (any more).",
    )


def no_placement(day: date) -> Refusal:
    return Refusal(
        "NO_PLACEMENT",
        f"Uw kind heeft op {day.isoformat()} geen plaatsing.",
        f"Your child has no placement on {day.isoformat()}.",
    )


def closed(day: date, why: Closed) -> Refusal:
    names = {
        "WEEKEND": ("het is weekend", "it is a weekend"),
        "PUBLIC_HOLIDAY": (f"feestdag ({why.name})", f"public holiday ({why.name})"),
        "CLOSURE_DAY": (f"sluitingsdag ({why.name})", f"closure day ({why.name})"),
        "NOT_OPEN": ("de locatie is dan niet open", "the location is not open that day"),
    }  # fmt: skip
    nl, en = names[why.kind]
    return Refusal(
        "CLOSED",
        f"Op {day.isoformat()} is de opvang gesloten: {nl}.",
        f"Care is closed on {day.isoformat()}: {en}.",
        {"closedBecause": why.kind},
    )


def already_planned(day: date) -> Refusal:
    return Refusal(
        "ALREADY_PLANNED",
        f"Uw kind heeft op {day.isoformat()} al opvang op die tijden.",
        f"Your child already has care at those times on {day.isoformat()}.",
    )


def group_full(day: date) -> Refusal:
    return Refusal(
        "GROUP_FULL",
        f"De groep is op {day.isoformat()} vol.",
        f"The group is full on {day.isoformat()}.",
    )


def invalid_times() -> Refusal:
    return Refusal(
        "INVALID_TIMES",
        "De eindtijd moet na de begintijd liggen, in stappen van 15 minuten.",
        "The end must come after the start, in steps of 15 minutes.",
    )


def time_not_offered() -> Refusal:
    return Refusal(
        "TIME_NOT_OFFERED",
        "Deze tijden worden niet aangeboden; kies een van de tijdblokken.",
        "These times are not offered; choose one of the time blocks.",
    )


def outside_opening_hours() -> Refusal:
    return Refusal(
        "OUTSIDE_OPENING_HOURS",
        "De tijden vallen buiten de openingstijden van de locatie.",
        "The times fall outside the location's opening hours.",
    )


def too_short(minimum: int) -> Refusal:
    return Refusal(
        "TOO_SHORT",
        f"Flexibele opvang duurt minstens {minimum} minuten.",
        f"Flexible care lasts at least {minimum} minutes.",
        {"minimumMinutes": minimum},
    )


def credit_not_applicable() -> Refusal:
    return Refusal(
        "CREDIT_NOT_APPLICABLE",
        "Met dit tegoed kan deze opvang niet worden betaald.",
        "This credit cannot pay for this care.",
    )


def expiry_in_past() -> Refusal:
    return Refusal(
        "EXPIRY_IN_PAST",
        "Het vervalmoment moet in de toekomst liggen.",
        "The expiry moment must lie in the future.",
        {"field": "expiresAt"},
    )


def expiry_after_first_day() -> Refusal:
    return Refusal(
        "EXPIRY_AFTER_FIRST_DAY",
        "Het vervalmoment moet vóór het begin van de eerste aangevraagde dag liggen.",
        "The expiry moment must lie before the first requested day starts.",
        {"field": "expiresAt"},
    )


def days_not_possible(count: int) -> Refusal:
    return Refusal(
        "DAYS_NOT_POSSIBLE",
        f"De aanvraag is niet verstuurd: {count} dag(en) kunnen niet. Er is niets opgeslagen.",
        f"The request was not sent: {count} day(s) are not possible. Nothing was saved.",
    )


def not_pending() -> Refusal:
    return Refusal(
        "NOT_PENDING",
        "Over deze aanvraag is al beslist, of hij is vervallen of geannuleerd.",
        "This request has already been decided, has expired or was cancelled.",
    )


def reason_required() -> Refusal:
    return Refusal(
        "REASON_REQUIRED",
        "Geef een reden bij het afwijzen.",
        "Give a reason when rejecting.",
        {"field": "reason"},
    )


def cancellation_deadline_passed(hours: int) -> Refusal:
    return Refusal(
        "CANCELLATION_DEADLINE_PASSED",
        f"Annuleren kan tot {hours} uur voor het begin van de dag. Meld uw kind in plaats "
        "daarvan afwezig; het tegoed blijft gebruikt of de dag wordt gefactureerd.",
        f"Cancelling is possible until {hours} hours before the day starts. Report your child "
        "absent instead; the credit stays used or the day is invoiced.",
        {"deadlineHours": hours, "instead": "reportAbsence"},
    )


def contract_day_not_cancellable() -> Refusal:
    return Refusal(
        "CONTRACT_DAY_NOT_CANCELLABLE",
        "Een contractdag kan niet worden geannuleerd; meld uw kind afwezig.",
        "A contract day cannot be cancelled; report your child absent.",
        {"instead": "reportAbsence"},
    )


def not_cancellable() -> Refusal:
    return Refusal(
        "NOT_CANCELLABLE",
        "Deze dag is afgewezen, vervallen of al geannuleerd.",
        "This day was rejected, has expired or was already cancelled.",
    )


def past_day(day: date) -> Refusal:
    return Refusal(
        "PAST_DAY",
        f"{day.isoformat()} ligt in het verleden; afwezigheid kan niet meer worden gemeld.",
        f"{day.isoformat()} is in the past; absence can no longer be reported.",
    )


def no_care_on_day(day: date) -> Refusal:
    return Refusal(
        "NO_CARE_ON_DAY",
        f"Uw kind heeft op {day.isoformat()} (dat dagdeel) geen opvang.",
        f"Your child has no care on {day.isoformat()} (in that day part).",
    )


def already_absent(day: date) -> Refusal:
    return Refusal(
        "ALREADY_ABSENT",
        f"Uw kind is op {day.isoformat()} al afwezig gemeld.",
        f"Your child has already been reported absent on {day.isoformat()}.",
    )


def lot_expired(year: int) -> Refusal:
    return Refusal(
        "LOT_EXPIRED",
        f"Tegoed voor {year} is al verlopen.",
        f"Credit for {year} has already expired.",
        {"field": "lotYear"},
    )
