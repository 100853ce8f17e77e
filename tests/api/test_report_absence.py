"""mutation reportAbsence (and the Child.absencePlanning preview it follows)."""

from __future__ import annotations

from models import Absence
from tests import factories
from tests.agenda_helpers import (
    FRIDAY,
    MONDAY,
    THURSDAY,
    TUESDAY,
    WEDNESDAY,
    at,
    gid,
    set_now,
    token_of,
)

PLANNING = """
query($id: ID!, $from: Date!, $to: Date!) {
  node(id: $id) { ... on Child {
    absencePlanning(from: $from, to: $to) { date parts absentParts slots { kind start end } }
  } }
}
"""
REPORT = """
mutation($input: ReportAbsenceInput!) {
  reportAbsence(input: $input) {
    __typename
    ... on AbsenceReported { absences { date dayPart reason remark child { firstName } } }
    ... on Refused { code messageEn }
  }
}
"""


def report(child, start, end, parts=None, reason="SICK"):
    data = {"childId": gid("Child", child.id), "from": start.isoformat(), "to": end.isoformat(),
            "reason": reason, "remark": "Koorts"}  # fmt: skip
    if parts is not None:
        data["dayParts"] = [{"date": d.isoformat(), "part": p} for d, p in parts]
    return {"input": data}


async def test_the_planning_of_the_period_comes_first(db, gql):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    # when
    result = await gql(
        PLANNING,
        {"id": gid("Child", t.child.id), "from": MONDAY.isoformat(), "to": FRIDAY.isoformat()},
        token=await token_of(t.parent),
    )
    # then
    days = result["data"]["node"]["absencePlanning"]
    assert [d["date"] for d in days] == [d.isoformat() for d in (MONDAY, TUESDAY, THURSDAY)]
    assert days[0]["parts"] == ["WHOLE_DAY", "MORNING", "AFTERNOON"]
    assert days[0]["absentParts"] == []
    assert days[0]["slots"][0]["kind"] == "CONTRACT"


async def test_a_parent_reports_chosen_day_parts_absent(db, gql):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    # when
    result = await gql(
        REPORT,
        report(t.child, MONDAY, THURSDAY, [(TUESDAY, "MORNING"), (THURSDAY, "WHOLE_DAY")]),
        token=await token_of(t.parent),
    )
    # then
    absences = result["data"]["reportAbsence"]["absences"]
    assert [(a["date"], a["dayPart"], a["reason"]) for a in absences] == [
        (TUESDAY.isoformat(), "MORNING", "SICK"),
        (THURSDAY.isoformat(), "WHOLE_DAY", "SICK"),
    ]
    assert absences[0]["child"]["firstName"] == "Sam"
    assert absences[0]["remark"] == "Koorts"


async def test_refusals_are_data(db, gql):
    # given
    set_now(at(TUESDAY))
    t = await factories.tenant()
    token = await token_of(t.parent)
    await gql(REPORT, report(t.child, THURSDAY, THURSDAY), token=token)
    # when
    past = await gql(REPORT, report(t.child, MONDAY, MONDAY), token=token)
    no_care = await gql(REPORT, report(t.child, WEDNESDAY, WEDNESDAY), token=token)
    twice = await gql(REPORT, report(t.child, THURSDAY, THURSDAY), token=token)
    # then
    assert past["data"]["reportAbsence"]["code"] == "PAST_DAY"
    assert no_care["data"]["reportAbsence"]["code"] == "NO_CARE_ON_DAY"
    assert twice["data"]["reportAbsence"]["code"] == "ALREADY_ABSENT"
    assert await Absence.all().count() == 1


async def test_a_period_too_long_or_parts_outside_it_are_bad_input(db, gql):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    token = await token_of(t.parent)
    # when
    backwards = await gql(REPORT, report(t.child, FRIDAY, MONDAY), token=token)
    outside = await gql(
        REPORT, report(t.child, MONDAY, TUESDAY, [(THURSDAY, "MORNING")]), token=token
    )
    # then
    assert backwards["errors"][0]["extensions"]["reason"] == "INVALID_PERIOD"
    assert outside["errors"][0]["extensions"]["reason"] == "INVALID_PERIOD"


async def test_another_parent_cannot_report_absence(db, gql):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    # when
    result = await gql(
        REPORT, report(t.child, MONDAY, MONDAY), token=await token_of(t.other_parent)
    )
    # then
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert await Absence.all().count() == 0
