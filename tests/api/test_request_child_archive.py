"""mutation requestChildArchive"""

from __future__ import annotations

from datetime import timedelta

from models import ArchiveJob, Placement
from schema.ids import to_global_id
from services import clock
from tests import factories

REQUEST = """
mutation($childId: ID!) {
  requestChildArchive(childId: $childId) {
    __typename
    ... on ArchiveRequested { job { id childId status progress downloadUrl } }
    ... on Refused { code messageEn }
  }
}"""


async def test_a_guardian_queues_an_archive(db, gql):
    # given
    t = await factories.tenant()
    child_id = to_global_id("Child", t.child.id)
    # when
    result = await gql(REQUEST, {"childId": child_id}, token=await factories.token_for(t.parent))
    # then
    job = result["data"]["requestChildArchive"]["job"]
    assert job["childId"] == child_id
    assert (job["status"], job["progress"], job["downloadUrl"]) == ("QUEUED", 0, None)
    assert await ArchiveJob.filter(requested_by_id=t.parent.id).count() == 1


async def test_after_the_window_it_is_refused_with_its_code(db, gql):
    # given: care ended nine weeks ago
    t = await factories.tenant()
    await Placement.filter(child_id=t.child.id).update(end_date=clock.today() - timedelta(weeks=9))
    # when
    result = await gql(
        REQUEST,
        {"childId": to_global_id("Child", t.child.id)},
        token=await factories.token_for(t.parent),
    )
    # then
    assert result["data"]["requestChildArchive"]["code"] == "ARCHIVE_WINDOW_CLOSED"


async def test_another_parent_gets_not_found(db, gql):
    t = await factories.tenant()
    result = await gql(
        REQUEST,
        {"childId": to_global_id("Child", t.child.id)},
        token=await factories.token_for(t.other_parent),
    )
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert not await ArchiveJob.exists()


async def test_anonymous_is_refused(db, gql):
    t = await factories.tenant()
    result = await gql(REQUEST, {"childId": to_global_id("Child", t.child.id)})
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
