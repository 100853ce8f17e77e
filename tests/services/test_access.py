"""Who sees which children: parents, staff, planners, other tenants, the access window."""

from __future__ import annotations

from datetime import timedelta

from models import Role
from services import access, auth, clock
from tests import factories


async def principal_of(user):
    return await auth.authenticate(await factories.token_for(user))


async def test_a_parent_sees_only_their_own_children(db):
    # given
    t = await factories.tenant()
    # when
    visible = await access.visible_child_ids(await principal_of(t.parent))
    # then
    assert sorted(visible) == sorted([t.child.id, t.sibling.id])


async def test_staff_see_only_the_children_of_the_groups_they_work_in(db):
    # given
    t = await factories.tenant()
    # when
    visible = await access.visible_child_ids(await principal_of(t.staff))
    # then
    assert sorted(visible) == sorted([t.child.id, t.other_child.id])


async def test_staff_who_left_a_group_no_longer_see_its_children(db):
    # given
    t = await factories.tenant()
    leaver = await factories.user(t.org, Role.STAFF)
    await factories.assign(leaver, t.babies, end=clock.today() - timedelta(days=1))
    # when
    visible = await access.visible_child_ids(await principal_of(leaver))
    # then
    assert visible == []


async def test_planners_see_every_child_of_their_own_organisation_only(db):
    # given
    t = await factories.tenant("hoera")
    other = await factories.tenant("zonnestraal")
    # when
    visible = await access.visible_child_ids(await principal_of(t.planner))
    # then
    assert sorted(visible) == sorted([t.child.id, t.sibling.id, t.other_child.id, t.bso_child.id])
    assert other.child.id not in visible


async def test_a_parent_keeps_access_until_eight_weeks_after_the_last_care_day(db):
    # given
    org = await factories.organisation()
    loc = await factories.location(org)
    grp = await factories.group(org, loc)
    parent = await factories.user(org)
    today = clock.today()
    just_inside = await factories.child(
        org, guardians=[parent], grp=grp, end=today - timedelta(weeks=8)
    )
    gone = await factories.child(
        org, guardians=[parent], grp=grp, end=today - timedelta(weeks=8, days=1)
    )
    not_started = await factories.child(org, guardians=[parent])
    # when
    visible = await access.visible_child_ids(await principal_of(parent))
    # then
    assert just_inside.id in visible
    assert gone.id not in visible
    assert not_started.id in visible
