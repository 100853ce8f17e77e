"""The home screen's one statement (`services.children_snapshot.load`) keeps its plan on
PostgreSQL: asyncpg prepares it once per connection, and after PostgreSQL's five trial
executions each execution reuses the generic plan instead of planning again (migration
0008's `ouderlink_page_ids` tells the planner a page holds a few children, and the page's
LIMIT is in the statement's text). Either alone leaves PostgreSQL planning every time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tortoise import connections

from db_connection import one_connection
from models import CareType, Role
from services import children_snapshot, clock
from services.children_snapshot import TimelineWanted
from tests import factories, timeline_samples
from tests.conftest import IS_POSTGRES

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(not IS_POSTGRES, reason="SQLite keeps no plans"),
]

# The connection's prepared snapshot statement for pages of five (asyncpg may have prepared
# others on it for earlier tests: each page size is a statement of its own).
PLANS = """SELECT generic_plans, custom_plans FROM pg_prepared_statements
WHERE statement ~ '^WITH page AS .* LIMIT 6\\s' """


# An organisation's years of timeline: 20,000 photo posts about 40 other children.
FILLER = """
WITH items AS (
    INSERT INTO timeline_item (created_at, kind, caption, posted_at, author_id, group_id,
        organisation_id)
    SELECT now(), 'photo_post', 'Buiten spelen', now() - n * interval '1 hour', $1, $2, $3
    FROM generate_series(1, 20000) AS n
    RETURNING id, posted_at)
INSERT INTO timeline_item_child (created_at, posted_at, child_id, item_id)
SELECT now(), posted_at, ($4::int[])[1 + id % 40], id FROM items"""


async def test_the_snapshot_statement_is_planned_once_and_its_plan_reused(db):
    # given: two children with more timeline than a page, among years of others' items
    t = await factories.tenant()
    parent = await factories.user(t.org, Role.PARENT)
    group = await factories.group(t.org, t.location, "Groep 1", CareType.KDV)
    staff = await factories.user(t.org, Role.STAFF)
    children = [await factories.child(t.org, guardians=[parent], grp=group) for _ in range(2)]
    others = [await factories.child(t.org, grp=group) for _ in range(40)]
    photo = await timeline_samples.stored_photo(staff)
    for hour in range(12):
        posted_at = clock.now() - timedelta(minutes=hour + 1)
        await timeline_samples.photo_post(
            group, staff, [children[hour % 2], others[0]], [photo], posted_at=posted_at
        )
    client = connections.get("default")
    await client.execute_query(
        FILLER, [staff.id, group.id, t.org.id, [other.id for other in others]]
    )
    await client.execute_script("ANALYZE timeline_item; ANALYZE timeline_item_child")
    ids = [c.id for c in children]

    # when: the statement runs ten times on one connection
    async with one_connection():
        snapshots = [
            await children_snapshot.load(
                ids, ids, today=clock.today(), placements=True, timeline=TimelineWanted(5)
            )
            for _ in range(10)
        ]
        plans = await connections.get("default").execute_query_dict(PLANS)

    # then: the same answer every time, the page of each child cut at five items
    first = snapshots[0]
    assert first.pages is not None
    assert [len(first.pages[i].positions) for i in ids] == [5, 5]
    assert all(s.pages == first.pages and s.items == first.items for s in snapshots)
    # and PostgreSQL planned it only for its five trial runs, then kept one plan for the rest
    assert len(plans) == 1, plans
    assert plans[0]["custom_plans"] == 5 and plans[0]["generic_plans"] >= 5, plans
