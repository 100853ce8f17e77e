"""query Child.agenda: contract and requested days with status, request details, access."""

from __future__ import annotations

from datetime import timedelta

from models import AbsenceReason
from services.absences import report_absence
from services.day_requests import DaySpec, request_days
from tests import factories
from tests.agenda_helpers import (
    FRIDAY,
    KINGS_DAY,
    MONDAY,
    THURSDAY,
    TUESDAY,
    WEDNESDAY,
    at,
    gid,
    hhmm,
    principal_of,
    set_now,
    token_of,
)
from tests.sql_counter import count_sql

AGENDA = """
query($id: ID!, $from: Date!, $to: Date!) {
  node(id: $id) {
    ... on Child {
      agenda(from: $from, to: $to) {
        id date start end kind status absentParts
        group { name }
        requestedDay {
          id status decisionReason
          payment { chargeOnInvoice }
          request { id remark expiresAt days { id } }
          history { status reason actorName }
        }
      }
    }
  }
}
"""


async def agenda(gql, token, child, start, end):
    result = await gql(
        AGENDA,
        {"id": gid("Child", child.id), "from": start.isoformat(), "to": end.isoformat()},
        token=token,
    )
    return result


async def test_a_parent_sees_contract_days_extra_days_and_absences(db, gql):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    parent = await principal_of(t.parent)
    await request_days(
        parent,
        [DaySpec(t.child.id, WEDNESDAY, hhmm("07:00"), hhmm("13:00"), None)],
        remark="Bruiloft",
    )
    await report_absence(parent, t.child.id, TUESDAY, TUESDAY, AbsenceReason.SICK)
    # when
    result = await agenda(gql, await token_of(t.parent), t.child, MONDAY, KINGS_DAY)
    # then
    slots = result["data"]["node"]["agenda"]
    assert [(s["date"], s["kind"], s["status"]) for s in slots] == [
        (MONDAY.isoformat(), "CONTRACT", "PLANNED"),
        (TUESDAY.isoformat(), "CONTRACT", "ABSENT"),
        (WEDNESDAY.isoformat(), "EXTRA", "REQUESTED"),
        (THURSDAY.isoformat(), "CONTRACT", "PLANNED"),
    ]
    assert slots[1]["absentParts"] == ["WHOLE_DAY"]
    assert slots[0]["group"]["name"] == "Boompjes"
    assert slots[0]["requestedDay"] is None
    extra = slots[2]["requestedDay"]
    assert extra["id"] == slots[2]["id"]
    assert extra["request"]["remark"] == "Bruiloft"
    assert extra["request"]["days"] == [{"id": extra["id"]}]
    assert extra["payment"] == {"chargeOnInvoice": True}
    assert extra["history"] == [
        {"status": "REQUESTED", "reason": "", "actorName": f"{t.parent.first_name} Jansen"}
    ]


async def test_staff_of_the_group_see_the_agenda_and_other_parents_do_not(db, gql):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    # when
    staff = await agenda(gql, await token_of(t.staff), t.child, MONDAY, FRIDAY)
    other = await agenda(gql, await token_of(t.other_parent), t.child, MONDAY, FRIDAY)
    # then
    assert len(staff["data"]["node"]["agenda"]) == 3
    assert other["data"]["node"] is None


async def test_a_range_longer_than_93_days_is_bad_input(db, gql):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    # when
    result = await agenda(
        gql, await token_of(t.parent), t.child, MONDAY, MONDAY + timedelta(days=93)
    )
    # then
    assert result["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "reason": "INVALID_RANGE",
    }


async def test_the_agenda_of_more_children_takes_no_more_queries(db, gql):
    # given: the same query for a parent with two children and with five
    set_now(at(MONDAY))
    t = await factories.tenant()
    token = await token_of(t.parent)
    query = """query { viewer { children { edges { node {
        agenda(from: "2026-04-20", to: "2026-05-31") { date status group { name }
          requestedDay { id history { status } } }
        credits { remainingMinutes }
        availableTimes(date: "2026-04-29") { possible blocks { code } }
    } } } } }"""
    await request_days(
        await principal_of(t.parent),
        [DaySpec(t.child.id, WEDNESDAY, hhmm("07:00"), hhmm("13:00"), None)],
    )
    # when
    with count_sql() as two:
        first = await gql(query, token=token)
    for _ in range(3):
        kid = await factories.child(t.org, guardians=[t.parent], grp=t.babies)
        await request_days(
            await principal_of(t.parent),
            [DaySpec(kid.id, WEDNESDAY, hhmm("07:00"), hhmm("13:00"), None)],
        )
    with count_sql() as five:
        second = await gql(query, token=token)
    # then: Mon/Tue/Thu for six weeks without King's Day, Ascension and Whit Monday
    agendas = [e["node"]["agenda"] for e in second["data"]["viewer"]["children"]["edges"]]
    assert sorted(len(a) for a in agendas) == [15, 16, 16, 16, 16]
    assert len(first["data"]["viewer"]["children"]["edges"]) == 2
    assert five.count == two.count, f"{two}\n---\n{five}"
