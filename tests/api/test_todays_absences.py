"""query Viewer.todaysAbsences: staff see today's absences of their own groups."""

from __future__ import annotations

from models import AbsenceReason
from services.absences import report_absence
from tests import factories
from tests.agenda_helpers import MONDAY, TUESDAY, at, gid, principal_of, set_now, token_of

TODAY = """query($group: ID) { viewer { todaysAbsences(groupId: $group) {
  date dayPart reason child { firstName } group { name } } } }"""


async def test_staff_see_todays_absences_of_their_group(db, gql):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    parent = await principal_of(t.parent)
    await report_absence(parent, t.child.id, MONDAY, TUESDAY, AbsenceReason.SICK)
    await report_absence(parent, t.sibling.id, MONDAY, MONDAY, AbsenceReason.HOLIDAY)
    # when
    result = await gql(TODAY, token=await token_of(t.staff))
    # then
    assert result["data"]["viewer"]["todaysAbsences"] == [
        {
            "date": MONDAY.isoformat(),
            "dayPart": "WHOLE_DAY",
            "reason": "SICK",
            "child": {"firstName": "Sam"},
            "group": {"name": "Boompjes"},
        }
    ]


async def test_staff_cannot_ask_for_another_group_and_parents_not_at_all(db, gql):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    # when
    other_group = await gql(TODAY, {"group": gid("Group", t.bso.id)}, token=await token_of(t.staff))
    parent = await gql(TODAY, token=await token_of(t.parent))
    # then
    assert other_group["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert parent["errors"][0]["extensions"]["code"] == "FORBIDDEN"
